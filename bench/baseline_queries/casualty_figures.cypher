//+ name: casualty_figures
//+ description: >-
//+   Every source's figure per incident, party and category (killed, wounded, executed, weapons seized and so
//+   on), beside the lowest and highest figure any source gives for that group and their spread (max - min). The
//+   figure compared is each quantity's point value; its low-high range is listed but not compared. A quantity
//+   belongs to its statement's incident and has no party when the count is not attributed to one side.
//+ columns: [incident, category, party_name, speaker_name, value, spread]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   category: {type: string, default: null, description: "Only this category, e.g. killed, or all."}
// Names and texts are the projection's preferred values (English, else untagged, else any; the lexically
// smallest within that rank), the same rule the SPARQL twin spells out.
// First the figures of each group - incident, category and party ('' when the count has no party) - over every
// statement, then each statement's figure beside its group's.
MATCH (gs:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (gs)-[:QUANTITY]->(gq:Quantity)
WHERE $category IS NULL OR gq.category = $category
OPTIONAL MATCH (gq)-[:PARTY]->(gp:Agent)
WITH i, gq.category AS category, coalesce(gp.id, '') AS group_party,
     min(gq.value) AS lowest, max(gq.value) AS highest, count(DISTINCT gs) AS sources
MATCH (s:Statement)-[:INCIDENT]->(i)
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE q.category = category
MATCH (s)-[:SPEAKER]->(sp:Agent)
OPTIONAL MATCH (q)-[:PARTY]->(pa:Agent)
WITH i, category, group_party, lowest, highest, sources, s, q, sp, pa
WHERE coalesce(pa.id, '') = group_party
RETURN i.id AS incident, category, pa.id AS party, pa.name AS party_name, s.id AS statement,
       sp.id AS speaker, sp.name AS speaker_name, s.date AS date, q.value AS value, q.low AS low,
       q.high AS high, lowest AS min, highest AS max, highest - lowest AS spread, sources
ORDER BY incident, category, party, date, statement, value, low, high
