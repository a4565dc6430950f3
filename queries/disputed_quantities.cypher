//+ name: disputed_quantities
//+ description: >-
//+   Figures the sources disagree on: per incident, category and party (for a count without a party, its
//+   party_scope instead: all for a total, not-stated otherwise), groups where two different statements give
//+   different point values (so one statement listing two figures is no dispute), with how many statements and
//+   distinct figures there are, the lowest and highest figure and their spread (max - min). A statement that a
//+   later one revises (ikg:revises) is left out: an account that changed is a revision, not a dispute.
//+ columns: [incident, category, party_name, party_scope, figures, min, max, spread]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   min_spread: {type: integer, default: 0, description: Only groups whose spread is at least this.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:QUANTITY]->(q:Quantity)
WHERE q.value IS NOT NULL AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s) }
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
WITH i.id AS incident, q.category AS category, p.id AS party, p.preferredName AS party_name,
     CASE WHEN p IS NULL THEN coalesce(q.partyScope, 'not-stated') END AS party_scope,
     count(DISTINCT s) AS statements, count(DISTINCT q.value) AS figures, min(q.value) AS lowest,
     max(q.value) AS highest
WHERE statements > 1 AND figures > 1 AND ($min_spread IS NULL OR highest - lowest >= $min_spread)
RETURN incident, category, party, party_name, party_scope, statements, figures, lowest AS min, highest AS max,
       highest - lowest AS spread
ORDER BY incident, category, party, party_scope
