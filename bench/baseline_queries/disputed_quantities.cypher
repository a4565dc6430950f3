//+ name: disputed_quantities
//+ description: >-
//+   Figures the sources disagree on: per incident, category and party (none when the count is not attributed
//+   to a side), groups where two different statements give different point values (so one statement listing
//+   two figures is no dispute), with how many statements and distinct figures there are, the lowest and highest
//+   figure and their spread (max - min).
//+ columns: [incident, category, party_name, figures, min, max, spread]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   min_spread: {type: integer, default: 0, description: Only groups whose spread is at least this.}
// Names are the projection's preferred values (English, else untagged, else any; the lexically smallest within
// that rank), the same rule the SPARQL twin spells out.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE q.value IS NOT NULL
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
WITH i.id AS incident, q.category AS category, p.id AS party, p.name AS party_name,
     count(DISTINCT s) AS statements, count(DISTINCT q.value) AS figures, min(q.value) AS lowest,
     max(q.value) AS highest
WHERE statements > 1 AND figures > 1 AND ($min_spread IS NULL OR highest - lowest >= $min_spread)
RETURN incident, category, party, party_name, statements, figures, lowest AS min, highest AS max,
       highest - lowest AS spread
ORDER BY incident, category, party
