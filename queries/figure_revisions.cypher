//+ name: figure_revisions
//+ description: >-
//+   How each source's figure for an incident, category and party (for a count without a party, its
//+   party_scope: all or not-stated) changed over time, in date order with the date's precision. An account
//+   starts with a statement that revises nothing; a statement that revises another (ikg:revises, followed
//+   back to the first) continues its account even when another speaker made it (an official count replacing a
//+   preliminary police one), and source is the speaker who started it. Accounts are never mixed, so a revision
//+   is kept apart from a dispute between sources; only accounts with two or more statements in the group are
//+   listed. revises names the statement a row's statement replaces, superseded says a later one replaces it.
//+ columns: [incident, category, party_name, party_scope, source_name, date, date_accuracy, value, superseded]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   category: {type: string, default: null, description: "Only this category, e.g. killed, or all."}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// First the accounts with two or more statements - incident, category, party ('' without one) or scope ('' with
// one), and the source: the speaker of the first statement, one REPLACES hop back (the build closes revises
// into replaces; a variable-length REVISES path would be expanded from every statement on Ladybug), or the
// statement's own speaker when it revises nothing - then each of their statements.
MATCH (gs:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (gs)-[:QUANTITY]->(gq:Quantity)
WHERE $category IS NULL OR gq.category = $category
MATCH (gs)-[:SPEAKER]->(gsp:Agent)
OPTIONAL MATCH (gs)-[:REPLACES]->(gfirst:Statement)-[:SPEAKER]->(gfs:Agent)
WHERE NOT EXISTS { MATCH (gfirst)-[:REVISES]->(:Statement) }
OPTIONAL MATCH (gq)-[:PARTY]->(gp:Agent)
WITH i, coalesce(gfs.id, gsp.id) AS source, gq.category AS category, coalesce(gp.id, '') AS group_party,
     CASE WHEN gp IS NULL THEN coalesce(gq.partyScope, 'not-stated') ELSE '' END AS group_scope,
     count(DISTINCT gs) AS statements
WHERE statements > 1
MATCH (s:Statement)-[:INCIDENT]->(i)
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE q.category = category
MATCH (s)-[:SPEAKER]->(sp:Agent)
OPTIONAL MATCH (s)-[:REPLACES]->(first:Statement)-[:SPEAKER]->(fs:Agent)
WHERE NOT EXISTS { MATCH (first)-[:REVISES]->(:Statement) }
WITH i, category, source, s, sp, q, group_party, group_scope, coalesce(fs.id, sp.id) AS account_source
WHERE account_source = source
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
WITH i, category, source, s, sp, q, p, group_party, group_scope
WHERE coalesce(p.id, '') = group_party
  AND CASE WHEN p IS NULL THEN coalesce(q.partyScope, 'not-stated') ELSE '' END = group_scope
MATCH (src:Agent)
WHERE src.id = source
OPTIONAL MATCH (s)-[:REVISES]->(r:Statement)
RETURN i.id AS incident, category, p.id AS party, p.preferredName AS party_name,
       CASE WHEN p IS NULL THEN coalesce(q.partyScope, 'not-stated') END AS party_scope,
       src.id AS source, src.preferredName AS source_name, s.id AS statement, sp.id AS speaker,
       sp.preferredName AS speaker_name, s.date AS date, coalesce(s.dateAccuracy, 'day') AS date_accuracy,
       q.value AS value, q.low AS low, q.high AS high, r.id AS revises,
       EXISTS { MATCH (:Statement)-[:REVISES]->(s) } AS superseded
ORDER BY incident, category, party, party_scope, source, date, revises IS NOT NULL, statement, value, low, high,
         revises
