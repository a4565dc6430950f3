//+ name: candidate_duplicates
//+ description: >-
//+   Records from different sources that denote the same agent, place or incident, as recorded by identity
//+   links (made by entity resolution at import, or by hand in a case file): the two records with their names,
//+   how the link was made (identifier, alias, attributes or manual), the evidence and the score. The records
//+   stay separate; follow ikg:links to combine what the sources say.
//+ columns: [record_kind, a_name, b_name, method, link_score]  # what the default table shows
//+ params:
//+   kind: {type: string, default: null, description: "Only links between Agent, Place or Incident records, or all."}
//+   min_score: {type: decimal, default: 0, description: Only links scored at least this (links without a score count as 1).}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin,
// of records named by a name or a title. The evidence texts are joined with " | " in sorted order.
MATCH (l:IdentityLink)-[:LINKS]->(ra), (l)-[:LINKS]->(rb)
WHERE ra.id < rb.id AND l.method IS NOT NULL AND coalesce(l.score, 1.0) >= $min_score
WITH l, ra, rb,
     CASE WHEN ra:Agent THEN 'Agent' WHEN ra:Place THEN 'Place' WHEN ra:Incident THEN 'Incident'
          WHEN ra:Document THEN 'Document' WHEN ra:Statement THEN 'Statement' WHEN ra:Claim THEN 'Claim'
          WHEN ra:Post THEN 'Post' END AS record_kind
WHERE $kind IS NULL OR record_kind = $kind
RETURN l.id AS link, record_kind, ra.id AS a,
       CASE WHEN ra.name IS NULL AND ra.title IS NULL THEN NULL ELSE ra.preferredName END AS a_name,
       rb.id AS b,
       CASE WHEN rb.name IS NULL AND rb.title IS NULL THEN NULL ELSE rb.preferredName END AS b_name,
       l.method AS method,
       reduce(joined = '', e IN l.evidence_all | joined + CASE WHEN joined = '' THEN '' ELSE ' | ' END + e)
         AS evidence,
       coalesce(l.score, 1.0) AS link_score
ORDER BY record_kind, link_score DESC, a, b
