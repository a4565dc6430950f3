//+ name: lopsided_incidents
//+ description: >-
//+   Incidents where one party's toll dwarfs another's. For each incident and each pair of parties with a figure
//+   in the category (default killed), a party's toll is the highest point value any source gives for it; the
//+   ratio is toll ÷ other toll, counting an other toll of 0 as 1 so one-sided tolls still score. Rows whose ratio
//+   exceeds the threshold, rounded to two decimals; figures without a party are left out.
//+ columns: [incident_name, party_name, toll, other_party_name, other_toll, ratio]  # what the default table shows
//+ params:
//+   threshold: {type: decimal, default: 10, description: Smallest ratio (exclusive) worth listing.}
//+   category: {type: string, default: killed, description: Category compared between the parties.}
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
// Names are the projection's preferred values (English, else untagged, else any; the lexically smallest within
// that rank), the same rule the SPARQL twin spells out.
// Each party's toll (highest point value, and how many statements give one), then every other party's toll in
// the same incident and category.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:QUANTITY]->(q:Quantity)-[:PARTY]->(p:Agent)
WHERE q.value IS NOT NULL AND ($category IS NULL OR q.category = $category)
WITH i, q.category AS category, p, max(q.value) AS toll, count(DISTINCT s) AS party_sources
MATCH (os:Statement)-[:INCIDENT]->(i)
MATCH (os)-[:QUANTITY]->(oq:Quantity)-[:PARTY]->(o:Agent)
WHERE oq.value IS NOT NULL AND oq.category = category AND o.id <> p.id
WITH i, category, p, toll, party_sources, o, max(oq.value) AS other_toll,
     count(DISTINCT os) AS other_party_sources
WITH i, category, p, toll, party_sources, o, other_toll, other_party_sources,
     round(100.0 * toll / CASE WHEN other_toll < 1 THEN 1 ELSE other_toll END) / 100 AS ratio
WHERE $threshold IS NULL OR ratio > $threshold
RETURN i.id AS incident, i.name AS incident_name, category, p.id AS party, p.name AS party_name, toll,
       party_sources, o.id AS other_party, o.name AS other_party_name, other_toll, other_party_sources, ratio
ORDER BY ratio DESC, incident, category, party, other_party
