//+ name: statements_by_speaker
//+ description: >-
//+   Everything a speaker said, speaker by speaker and in date order - the incident, the claim asserted or denied,
//+   the quote, and each document and outlet that reported it (one row per reporting document and publisher).
//+ columns: [speaker_name, date, stance, claim_text, quote]  # what the default table shows
//+ params:
//+   speaker: {type: id, default: null, description: Only this speaker (agent record id), or all.}
//+   incident: {type: id, default: null, description: Only statements about this incident, or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
MATCH (s:Statement)-[:SPEAKER]->(sp:Agent)
WHERE $speaker IS NULL OR sp.id = $speaker
MATCH (s)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:REPORTED_IN]->(d:Document)-[:PUBLISHER]->(o:Agent)
OPTIONAL MATCH (s)-[:CLAIM]->(c:Claim)
RETURN sp.id AS speaker, sp.preferredName AS speaker_name, s.date AS date, s.id AS statement,
       i.id AS incident, s.stance AS stance, c.id AS claim, c.preferredName AS claim_text, s.quote AS quote,
       d.id AS document, o.id AS outlet, o.preferredName AS outlet_name
ORDER BY speaker, date, statement, incident, document, outlet, claim
