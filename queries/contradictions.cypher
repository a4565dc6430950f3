//+ name: contradictions
//+ description: >-
//+   Pairs of contradicting claims (each pair once, the claim with the smaller id first) with every statement
//+   on each side - who said it, in which document and outlet, when, asserting or denying, and the quote. A
//+   statement is on the side it supports: asserting claim A or denying claim B puts it on side A (so a denial
//+   never faces its own speaker's assertion). One row per combination of a side-A and a side-B statement; a side
//+   nobody spoke to is null.
//+ columns: [claim_a_text, a_speaker_name, a_stance, claim_b_text, b_speaker_name, b_stance]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// CONTRADICTS is stored both ways (the property is symmetric), so a.id < b.id keeps each pair once.
// A statement stands on side A when it asserts a or denies b, on side B when it asserts b or denies a: it is
// reached from the claim through the build's SIDES_WITH (a superset, which also holds sides taken by denying a
// third claim) and checked on the pair itself.
MATCH (i:Incident)<-[:INCIDENT]-(a:Claim)-[:CONTRADICTS]->(b:Claim)
WHERE a.id < b.id AND ($incident IS NULL OR i.id = $incident)
OPTIONAL MATCH (a)<-[:SIDES_WITH]-(sa:Statement)-[:CLAIM]->(ca:Claim), (sa)-[:SPEAKER]->(sa_speaker:Agent),
               (sa)-[:REPORTED_IN]->(sa_document:Document)-[:PUBLISHER]->(sa_outlet:Agent)
WHERE (ca.id = a.id AND sa.stance = 'asserts') OR (ca.id = b.id AND sa.stance = 'denies')
OPTIONAL MATCH (b)<-[:SIDES_WITH]-(sb:Statement)-[:CLAIM]->(cb:Claim), (sb)-[:SPEAKER]->(sb_speaker:Agent),
               (sb)-[:REPORTED_IN]->(sb_document:Document)-[:PUBLISHER]->(sb_outlet:Agent)
WHERE (cb.id = b.id AND sb.stance = 'asserts') OR (cb.id = a.id AND sb.stance = 'denies')
RETURN i.id AS incident, i.preferredName AS incident_name, a.id AS claim_a, a.preferredName AS claim_a_text,
       b.id AS claim_b, b.preferredName AS claim_b_text,
       sa.id AS a_statement, sa_speaker.id AS a_speaker, sa_speaker.preferredName AS a_speaker_name,
       sa_outlet.id AS a_outlet, sa_outlet.preferredName AS a_outlet_name, sa_document.id AS a_document,
       sa.date AS a_date, sa.stance AS a_stance, sa.quote AS a_quote,
       sb.id AS b_statement, sb_speaker.id AS b_speaker, sb_speaker.preferredName AS b_speaker_name,
       sb_outlet.id AS b_outlet, sb_outlet.preferredName AS b_outlet_name, sb_document.id AS b_document,
       sb.date AS b_date, sb.stance AS b_stance, sb.quote AS b_quote
ORDER BY incident, claim_a, claim_b, a_date, a_statement, a_document, a_outlet, b_date, b_statement, b_document,
         b_outlet
