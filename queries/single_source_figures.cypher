//+ name: single_source_figures
//+ description: >-
//+   Figures only one independent source gives: per incident, category, party (for a count without a party,
//+   its party_scope) and point value, the figures whose statements all come down to one speaker once relays and
//+   citations are collapsed. A statement is taken from another giving the same figure when one of its documents
//+   relays or cites (directly or along a chain) a document reporting that other statement, or when both are
//+   reported in different documents relaying the same original (the one with the smaller id counts): ten
//+   outlets carrying one wire are one source; of documents citing each other, the statement with the smaller
//+   id counts. statements and documents count every statement and document carrying the figure. Revised
//+   statements are left out.
//+ columns: [incident, category, party_name, party_scope, value, source_name, statements, documents]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   category: {type: string, default: null, description: "Only this category, e.g. killed, or all."}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// The figure groups first (the ids of their statements), then the speakers of the statements not taken from
// another statement of their group.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE q.value IS NOT NULL AND ($category IS NULL OR q.category = $category)
  AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s) }
MATCH (s)-[:REPORTED_IN]->(d:Document)
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
WITH i, q.category AS category, p, CASE WHEN p IS NULL THEN coalesce(q.partyScope, 'not-stated') END AS party_scope,
     q.value AS value, collect(DISTINCT s.id) AS ids, count(DISTINCT s) AS statements, count(DISTINCT d) AS documents
UNWIND ids AS sid
MATCH (s:Statement)
WHERE s.id = sid
MATCH (s)-[:SPEAKER]->(sp:Agent)
// another statement of the group in a document s's documents draw on (relay or cite, along a chain: the build
// closes both into DRAWS_ON), or in another document republishing what one of s's documents republishes;
// matched from s
OPTIONAL MATCH (s)-[:REPORTED_IN]->(:Document)-[:DRAWS_ON]->(:Document)<-[:REPORTED_IN]-(o:Statement)
WHERE o.id IN ids AND o.id <> s.id
  AND (o.id < s.id OR NOT EXISTS {
    MATCH (o)-[:REPORTED_IN]->(:Document)-[:DRAWS_ON]->(:Document)<-[:REPORTED_IN]-(s) })
OPTIONAL MATCH (s)-[:REPORTED_IN]->(d1:Document)-[:REPUBLISHES]->(:Document)<-[:REPUBLISHES]-(d2:Document),
               (d2)<-[:REPORTED_IN]-(o2:Statement)
WHERE o2.id IN ids AND o2.id < s.id AND d1.id <> d2.id
WITH i, category, p, party_scope, value, statements, documents, s, sp, count(o) + count(o2) AS taken_from
WHERE taken_from = 0
WITH i, category, p, party_scope, value, statements, documents, count(DISTINCT sp) AS sources, max(sp.id) AS source
WHERE sources = 1
MATCH (src:Agent)
WHERE src.id = source
RETURN i.id AS incident, category, p.id AS party, p.preferredName AS party_name, party_scope, value,
       src.id AS source, src.preferredName AS source_name, statements, documents
ORDER BY incident, category, party, party_scope, value
