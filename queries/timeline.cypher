//+ name: timeline
//+ description: >-
//+   The statements about an incident in the order they were made - date, speaker, claim asserted or denied,
//+   the quote and every document and outlet that reported it (one row per reporting document and publisher),
//+   optionally between two dates (inclusive).
//+ columns: [date, speaker_name, stance, claim_text, quote]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   from: {type: date, default: null, description: First statement date to include (YYYY-MM-DD), or no limit.}
//+   to: {type: date, default: null, description: Last statement date to include (YYYY-MM-DD), or no limit.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE ($incident IS NULL OR i.id = $incident)
  AND ($from IS NULL OR s.date >= date($from)) AND ($to IS NULL OR s.date <= date($to))
MATCH (s)-[:SPEAKER]->(sp:Agent)
MATCH (s)-[:REPORTED_IN]->(d:Document)-[:PUBLISHER]->(o:Agent)
OPTIONAL MATCH (s)-[:CLAIM]->(c:Claim)
RETURN i.id AS incident, s.date AS date, s.id AS statement, sp.id AS speaker,
       sp.preferredName AS speaker_name, s.stance AS stance, c.id AS claim, c.preferredName AS claim_text, s.quote AS quote,
       d.id AS document, o.id AS outlet, o.preferredName AS outlet_name
ORDER BY incident, date, statement, document, outlet, claim
