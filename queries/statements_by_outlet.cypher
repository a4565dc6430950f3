//+ name: statements_by_outlet
//+ description: >-
//+   What each outlet reported, outlet by outlet and in date order - the document, who said what about which
//+   incident, the claim asserted or denied and the quote. The outlet is the publisher of the reporting document.
//+ columns: [outlet_name, date, speaker_name, stance, quote]  # what the default table shows
//+ params:
//+   outlet: {type: id, default: null, description: Only this outlet (publisher agent record id), or all.}
//+   incident: {type: id, default: null, description: Only statements about this incident, or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
MATCH (s:Statement)-[:REPORTED_IN]->(d:Document)-[:PUBLISHER]->(o:Agent)
WHERE $outlet IS NULL OR o.id = $outlet
MATCH (s)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:SPEAKER]->(sp:Agent)
OPTIONAL MATCH (s)-[:CLAIM]->(c:Claim)
RETURN o.id AS outlet, o.preferredName AS outlet_name, d.id AS document, s.date AS date, s.id AS statement,
       i.id AS incident, sp.id AS speaker, sp.preferredName AS speaker_name, s.stance AS stance, c.id AS claim,
       c.preferredName AS claim_text, s.quote AS quote
ORDER BY outlet, date, statement, incident, document, speaker, claim
