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
// The graph is read once, from the incident outwards: each statement with its speaker, documents, the statements
// in documents its documents draw on (relays or cites, along a chain: the build closes both into DRAWS_ON) and
// those in other documents republishing what its documents republish. The rest works on those lists: Ladybug
// joins a pattern that starts from rows of an earlier clause by scanning the whole relationship table.
MATCH (i:Incident)<-[:INCIDENT]-(s:Statement)-[:QUANTITY]->(q:Quantity), (s)-[:SPEAKER]->(sp:Agent),
      (s)-[:REPORTED_IN]->(d:Document)
WHERE ($incident IS NULL OR i.id = $incident) AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s) }
// the figure's conditions after the pattern: inside it, Ladybug would start from every quantity that meets them
WITH i, s, q, sp, d
WHERE q.value IS NOT NULL AND ($category IS NULL OR q.category = $category)
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
OPTIONAL MATCH (d)-[:DRAWS_ON]->(:Document)<-[:REPORTED_IN]-(up:Statement)
WITH i.id AS incident, q, p.id AS party, p.preferredName AS party_name, s.id AS sid, sp.id AS speaker, d,
     collect(DISTINCT up.id) AS upstream
OPTIONAL MATCH (d)-[:REPUBLISHES]->(:Document)<-[:REPUBLISHES]-(d2:Document)<-[:REPORTED_IN]-(co:Statement)
WHERE d2.id <> d.id
WITH incident, q, party, party_name, sid, speaker, d.id AS doc, upstream, collect(DISTINCT co.id) AS corelayed
UNWIND (CASE WHEN size(upstream) = 0 THEN [''] ELSE upstream END) AS u
UNWIND (CASE WHEN size(corelayed) = 0 THEN [''] ELSE corelayed END) AS c
WITH incident, q.category AS category, party, party_name,
     CASE WHEN party IS NULL THEN coalesce(q.partyScope, 'not-stated') END AS party_scope, q.value AS value, sid,
     speaker, collect(DISTINCT doc) AS docs, collect(DISTINCT u) AS ups, collect(DISTINCT c) AS cos
// a group's members, each against every other (a few per figure): it is taken from another member its
// documents draw on (the smaller id counts when both draw on each other) or republishing the same original
// with a smaller id
WITH incident, category, party, party_name, party_scope, value, collect(sid) AS ids, collect(docs) AS doclists,
     collect({id: sid, speaker: speaker, up: ups, co: cos}) AS members
UNWIND members AS m
UNWIND members AS n
WITH incident, category, party, party_name, party_scope, value, ids, doclists, m.id AS mid, m.speaker AS speaker,
     sum(CASE WHEN n.id <> m.id AND ((n.id IN m.up AND (n.id < m.id OR NOT m.id IN n.up))
                                     OR (n.id IN m.co AND n.id < m.id)) THEN 1 ELSE 0 END) AS taken_from
WITH incident, category, party, party_name, party_scope, value, size(ids) AS statements, doclists,
     collect(DISTINCT CASE WHEN taken_from = 0 THEN speaker END) AS origins
WHERE size(origins) = 1
UNWIND doclists AS docs
UNWIND docs AS doc
WITH incident, category, party, party_name, party_scope, value, statements, origins[0] AS source,
     count(DISTINCT doc) AS documents
MATCH (src:Agent)
WHERE src.id = source
RETURN incident, category, party, party_name, party_scope, value,
       src.id AS source, src.preferredName AS source_name, statements, documents
ORDER BY incident, category, party, party_scope, value
