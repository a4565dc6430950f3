//+ name: official_vs_independent
//+ description: >-
//+   Per incident, category and party (for a count without a party, its party_scope), the state sources'
//+   figures beside the independent ones: state sources are government agencies (armed forces included) and
//+   people holding a post in one on the statement's date; independent ones are the ontology's independent
//+   sources (news outlets, human-rights bodies, research bodies) and people holding a post in one. Each
//+   side's lowest and highest point value and number of sources (speakers); gap is the independent highest
//+   minus the state highest (positive when the independent sources count more), empty unless both sides give
//+   a figure. Other speakers (witnesses, families, unclassed organisations) are left out, and so are revised
//+   statements.
//+ columns: [incident, category, party_name, party_scope, state_min, state_max, independent_min, independent_max, gap]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   category: {type: string, default: null, description: "Only this category, e.g. killed, or all."}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin. The
// sides are the ontology's agent classes: a label covers its subclasses (Neo4j's labels, Ladybug's kind). A
// speaker of both sides (a reporter who is also an official) counts on each.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE q.value IS NOT NULL AND ($category IS NULL OR q.category = $category)
  AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s) }
MATCH (s)-[:SPEAKER]->(sp:Agent)
UNWIND ['state', 'independent'] AS side
WITH i, s, q, sp, side
WHERE (side = 'state'
       AND (sp:GovernmentAgency
            OR EXISTS { MATCH (sp)<-[:HOLDER]-(post:Post)-[:ORGANIZATION]->(:GovernmentAgency)
                        WHERE (post.startDate IS NULL OR post.startDate <= s.date)
                          AND (post.endDate IS NULL OR post.endDate >= s.date) }))
   OR (side = 'independent'
       AND (sp:IndependentSource
            OR EXISTS { MATCH (sp)<-[:HOLDER]-(post:Post)-[:ORGANIZATION]->(:IndependentSource)
                        WHERE (post.startDate IS NULL OR post.startDate <= s.date)
                          AND (post.endDate IS NULL OR post.endDate >= s.date) }))
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
WITH i, q.category AS category, p, CASE WHEN p IS NULL THEN coalesce(q.partyScope, 'not-stated') END AS party_scope,
     CASE WHEN side = 'state' THEN q.value END AS state_value, CASE WHEN side = 'state' THEN sp.id END AS state_speaker,
     CASE WHEN side = 'independent' THEN q.value END AS independent_value,
     CASE WHEN side = 'independent' THEN sp.id END AS independent_speaker
WITH i, category, p, party_scope, min(state_value) AS state_min, max(state_value) AS state_max,
     count(DISTINCT state_speaker) AS state_sources, min(independent_value) AS independent_min,
     max(independent_value) AS independent_max, count(DISTINCT independent_speaker) AS independent_sources
RETURN i.id AS incident, i.preferredName AS incident_name, category, p.id AS party, p.preferredName AS party_name,
       party_scope, state_min, state_max, state_sources, independent_min, independent_max, independent_sources,
       independent_max - state_max AS gap
ORDER BY incident, category, party, party_scope
