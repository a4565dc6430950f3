//+ name: outlets_claims
//+ description: >-
//+   Which outlets reported which claims, and with which stance: per claim, outlet (the publisher of a document
//+   reporting a statement on the claim) and stance, how many such statements, by how many distinct speakers,
//+   and the first and last statement dates.
//+ columns: [claim_text, outlet_name, stance, statements, first_date]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only claims about this incident (record id), or all.}
//+   outlet: {type: id, default: null, description: Only this outlet (publisher agent record id), or all.}
// Names and texts are the projection's preferred values (English, else untagged, else any; the lexically
// smallest within that rank), the same rule the SPARQL twin spells out.
MATCH (c:Claim)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s:Statement)-[:CLAIM]->(c)
MATCH (s)-[:SPEAKER]->(sp:Agent)
MATCH (s)-[:REPORTED_IN]->(:Document)-[:PUBLISHER]->(o:Agent)
WHERE $outlet IS NULL OR o.id = $outlet
WITH i, c, o, s.stance AS stance, count(DISTINCT s) AS statements, count(DISTINCT sp) AS speakers,
     min(s.date) AS first_date, max(s.date) AS last_date
RETURN i.id AS incident, c.id AS claim, c.text AS claim_text, o.id AS outlet, o.name AS outlet_name, stance,
       statements, speakers, first_date, last_date
ORDER BY incident, claim, outlet, stance
