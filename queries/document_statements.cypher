//+ name: document_statements
//+ description: >-
//+   Everything one document says, across incidents: each statement it reports (speaker, date, stance, quote and
//+   incident) with, one row each, the claims the statement asserts or denies and the figures it gives
//+   (category, party or party scope, low, value, high); a statement with neither has one row of its own. The
//+   document's title, outlet and publication date are on every row.
//+ columns: [date, speaker_name, incident, item, stance, claim_text, category, party_name, value]  # what the default table shows
//+ params:
//+   document: {type: id, default: null, description: Only this document (record id), or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// One branch per kind of row. Rows come branch by branch: a UNION cannot be sorted as a whole in a query that
// also runs on Ladybug (which has no CALL subqueries). A column a branch leaves empty is a typed null (CASE WHEN
// false THEN ...): Ladybug's UNION refuses an untyped NULL beside a string or a number. A document's publisher
// and a statement's incident are in the first pattern, not optional: the shapes require both (minCount 1), and
// Ladybug joins an optional part by scanning all of its edges. Statements without a claim or a figure are
// counted from the statement rather than tested with NOT EXISTS, which Ladybug evaluates over every statement.
MATCH (s:Statement)-[:REPORTED_IN]->(d:Document)-[:PUBLISHER]->(o:Agent), (s)-[:INCIDENT]->(i:Incident)
WHERE $document IS NULL OR d.id = $document
MATCH (s)-[:SPEAKER]->(sp:Agent)
MATCH (s)-[:CLAIM]->(c:Claim)
RETURN d.id AS document, d.preferredName AS document_title, o.id AS outlet, o.preferredName AS outlet_name,
       d.published AS published, s.id AS statement, s.date AS date, sp.id AS speaker,
       sp.preferredName AS speaker_name, s.stance AS stance, i.id AS incident, i.preferredName AS incident_name,
       s.quote AS quote, 'claim' AS item, c.id AS claim, c.preferredName AS claim_text, CASE WHEN false THEN '' END AS category,
       CASE WHEN false THEN '' END AS party, CASE WHEN false THEN '' END AS party_name, CASE WHEN false THEN '' END AS party_scope, CASE WHEN false THEN 0 END AS low, CASE WHEN false THEN 0 END AS value, CASE WHEN false THEN 0 END AS high
ORDER BY document, date, statement, claim
UNION ALL
MATCH (s:Statement)-[:REPORTED_IN]->(d:Document)-[:PUBLISHER]->(o:Agent), (s)-[:INCIDENT]->(i:Incident)
WHERE $document IS NULL OR d.id = $document
MATCH (s)-[:SPEAKER]->(sp:Agent)
MATCH (s)-[:QUANTITY]->(q:Quantity)
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
RETURN d.id AS document, d.preferredName AS document_title, o.id AS outlet, o.preferredName AS outlet_name,
       d.published AS published, s.id AS statement, s.date AS date, sp.id AS speaker,
       sp.preferredName AS speaker_name, s.stance AS stance, i.id AS incident, i.preferredName AS incident_name,
       s.quote AS quote, 'figure' AS item, CASE WHEN false THEN '' END AS claim, CASE WHEN false THEN '' END AS claim_text, q.category AS category,
       p.id AS party, p.preferredName AS party_name,
       CASE WHEN p IS NULL THEN coalesce(q.partyScope, 'not-stated') END AS party_scope, q.low AS low,
       q.value AS value, q.high AS high
ORDER BY document, date, statement, category, party, party_scope, value
UNION ALL
MATCH (s:Statement)-[:REPORTED_IN]->(d:Document)-[:PUBLISHER]->(o:Agent), (s)-[:INCIDENT]->(i:Incident)
WHERE $document IS NULL OR d.id = $document
MATCH (s)-[:SPEAKER]->(sp:Agent)
OPTIONAL MATCH (s)-[:CLAIM]->(c:Claim)
OPTIONAL MATCH (s)-[:QUANTITY]->(q:Quantity)
WITH d, o, s, sp, i, count(c) + count(q) AS items
WHERE items = 0
RETURN d.id AS document, d.preferredName AS document_title, o.id AS outlet, o.preferredName AS outlet_name,
       d.published AS published, s.id AS statement, s.date AS date, sp.id AS speaker,
       sp.preferredName AS speaker_name, s.stance AS stance, i.id AS incident, i.preferredName AS incident_name,
       s.quote AS quote, 'statement' AS item, CASE WHEN false THEN '' END AS claim, CASE WHEN false THEN '' END AS claim_text, CASE WHEN false THEN '' END AS category,
       CASE WHEN false THEN '' END AS party, CASE WHEN false THEN '' END AS party_name, CASE WHEN false THEN '' END AS party_scope, CASE WHEN false THEN 0 END AS low, CASE WHEN false THEN 0 END AS value, CASE WHEN false THEN 0 END AS high
ORDER BY document, date, statement
