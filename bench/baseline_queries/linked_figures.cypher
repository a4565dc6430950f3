//+ name: linked_figures
//+ description: >-
//+   An incident's figures side by side with those of the records linked to it as the same incident (identity
//+   links, followed transitively): every quantity of every statement about the incident or a linked record,
//+   with which record the statement is about, who stated it and when, and how the link was made. With no
//+   incident given, every incident that has such a link.
//+ columns: [incident, record, speaker_name, date, category, value]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: The incident (record id), or every linked incident.}
//+   category: {type: string, default: null, description: "Only this category, e.g. killed, or all."}
// Names are the projection's preferred values (English, else untagged, else any; the lexically smallest within
// that rank), the same rule the SPARQL twin spells out.
// Identity links are IdentityLink nodes with two LINKS relationships, so "linked, transitively" is an undirected
// LINKS path of even length (at most 10 links here).
MATCH (i:Incident)
WHERE ($incident IS NULL OR i.id = $incident)
  AND EXISTS { MATCH (i)<-[:LINKS]-(:IdentityLink)-[:LINKS]->(o:Incident) WHERE o.id <> i.id }
MATCH (i)-[:LINKS*0..20]-(r:Incident)
WITH DISTINCT i, r
OPTIONAL MATCH (i)<-[:LINKS]-(l:IdentityLink)-[:LINKS]->(r)
WHERE r.id <> i.id
UNWIND coalesce(l.evidence_all, [NULL]) AS link_evidence
MATCH (s:Statement)-[:INCIDENT]->(r)
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE $category IS NULL OR q.category = $category
MATCH (s)-[:SPEAKER]->(sp:Agent)
OPTIONAL MATCH (q)-[:PARTY]->(p)
RETURN i.id AS incident, r.id AS record, l.method AS link_method, link_evidence, s.id AS statement,
       sp.id AS speaker, sp.name AS speaker_name, s.date AS date, q.category AS category, p.id AS party,
       q.value AS value, q.low AS low, q.high AS high
ORDER BY incident, category, record, date, statement
