//+ name: contradictions
//+ description: >-
//+   Pairs of contradicting claims (each pair once, the claim with the smaller id first) with every statement
//+   on each side - who said it, in which document and outlet, when, asserting or denying, and the quote. One row
//+   per combination of a side-A and a side-B statement; a side nobody spoke to is null.
//+ columns: [claim_a_text, a_speaker_name, a_stance, claim_b_text, b_speaker_name, b_stance]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
// Names and texts are the projection's preferred values (English, else untagged, else any; the lexically
// smallest within that rank), the same rule the SPARQL twin spells out.
// CONTRADICTS is stored both ways (the property is symmetric), so a.id < b.id keeps each pair once.
MATCH (a:Claim)-[:CONTRADICTS]->(b:Claim)
WHERE a.id < b.id
MATCH (a)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
OPTIONAL MATCH (sa:Statement)-[:CLAIM]->(a), (sa)-[:SPEAKER]->(sa_speaker:Agent),
               (sa)-[:REPORTED_IN]->(sa_document:Document)-[:PUBLISHER]->(sa_outlet:Agent)
OPTIONAL MATCH (sb:Statement)-[:CLAIM]->(b), (sb)-[:SPEAKER]->(sb_speaker:Agent),
               (sb)-[:REPORTED_IN]->(sb_document:Document)-[:PUBLISHER]->(sb_outlet:Agent)
RETURN i.id AS incident, i.name AS incident_name, a.id AS claim_a, a.text AS claim_a_text,
       b.id AS claim_b, b.text AS claim_b_text,
       sa.id AS a_statement, sa_speaker.id AS a_speaker, sa_speaker.name AS a_speaker_name,
       sa_outlet.id AS a_outlet, sa_outlet.name AS a_outlet_name, sa_document.id AS a_document,
       sa.date AS a_date, sa.stance AS a_stance, sa.quote AS a_quote,
       sb.id AS b_statement, sb_speaker.id AS b_speaker, sb_speaker.name AS b_speaker_name,
       sb_outlet.id AS b_outlet, sb_outlet.name AS b_outlet_name, sb_document.id AS b_document,
       sb.date AS b_date, sb.stance AS b_stance, sb.quote AS b_quote
ORDER BY incident, claim_a, claim_b, a_date, a_statement, a_document, a_outlet, b_date, b_statement, b_document,
         b_outlet
