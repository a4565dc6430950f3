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
// Names are the projection's preferred values (English, else untagged, else any; the lexically smallest within
// that rank); a record's name is the better of its preferred name and preferred title by that same rule.
// The evidence texts are joined with " | " in sorted order.
MATCH (l:IdentityLink)-[:LINKS]->(ra), (l)-[:LINKS]->(rb)
WHERE ra.id < rb.id AND l.method IS NOT NULL AND coalesce(l.score, 1.0) >= $min_score
WITH l, ra, rb,
     CASE WHEN ra:Agent THEN 'Agent' WHEN ra:Place THEN 'Place' WHEN ra:Incident THEN 'Incident'
          WHEN ra:Document THEN 'Document' WHEN ra:Statement THEN 'Statement' WHEN ra:Claim THEN 'Claim'
          WHEN ra:Post THEN 'Post' END AS record_kind,
     CASE WHEN ra.name_lang = 'en' THEN 0 WHEN ra.name_lang IS NULL THEN 1 ELSE 2 END AS a_name_rank,
     CASE WHEN ra.title_lang = 'en' THEN 0 WHEN ra.title_lang IS NULL THEN 1 ELSE 2 END AS a_title_rank,
     CASE WHEN rb.name_lang = 'en' THEN 0 WHEN rb.name_lang IS NULL THEN 1 ELSE 2 END AS b_name_rank,
     CASE WHEN rb.title_lang = 'en' THEN 0 WHEN rb.title_lang IS NULL THEN 1 ELSE 2 END AS b_title_rank
WHERE $kind IS NULL OR record_kind = $kind
RETURN l.id AS link, record_kind, ra.id AS a,
       CASE WHEN ra.title IS NULL THEN ra.name WHEN ra.name IS NULL THEN ra.title
            WHEN a_name_rank < a_title_rank OR (a_name_rank = a_title_rank AND ra.name <= ra.title) THEN ra.name
            ELSE ra.title END AS a_name,
       rb.id AS b,
       CASE WHEN rb.title IS NULL THEN rb.name WHEN rb.name IS NULL THEN rb.title
            WHEN b_name_rank < b_title_rank OR (b_name_rank = b_title_rank AND rb.name <= rb.title) THEN rb.name
            ELSE rb.title END AS b_name,
       l.method AS method,
       reduce(joined = '', e IN l.evidence_all | joined + CASE WHEN joined = '' THEN '' ELSE ' | ' END + e)
         AS evidence,
       coalesce(l.score, 1.0) AS link_score
ORDER BY record_kind, link_score DESC, a, b
