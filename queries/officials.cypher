//+ name: officials
//+ description: >-
//+   People who held a post - role, organization, start and end - with what they said: each of their statements
//+   (date, incident, claim, stance, quote) beside each post, and in_office telling whether the statement date
//+   falls within that post's dates (a missing start or end counts as open). A post holder with no statements
//+   gets one row per post with the statement columns null.
//+ columns: [person_name, role, organization_name, date, in_office, claim_text]  # what the default table shows
//+ params:
//+   person: {type: id, default: null, description: Only this person (record id), or all post holders.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
MATCH (po:Post)-[:HOLDER]->(pe:Person)
WHERE $person IS NULL OR pe.id = $person
MATCH (po)-[:ORGANIZATION]->(org:Organization)
OPTIONAL MATCH (st:Statement)-[:SPEAKER]->(pe), (st)-[:INCIDENT]->(inc:Incident)
OPTIONAL MATCH (st)-[:CLAIM]->(cl:Claim)
RETURN pe.id AS person, pe.preferredName AS person_name, po.id AS post, po.preferredName AS role,
       org.id AS organization, org.preferredName AS organization_name,
       po.startDate AS `start`, po.endDate AS `end`, st.id AS statement, st.date AS date,
       CASE WHEN st.date IS NULL THEN NULL
            ELSE (po.startDate IS NULL OR st.date >= po.startDate)
                 AND (po.endDate IS NULL OR st.date <= po.endDate) END AS in_office,
       inc.id AS incident, cl.id AS claim, cl.preferredName AS claim_text, st.stance AS stance,
       st.quote AS quote
ORDER BY person, `start`, post, date, statement, incident, claim
