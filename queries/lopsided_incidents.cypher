//+ name: lopsided_incidents
//+ description: >-
//+   Incidents where one side's toll dwarfs its opponent's. Two agents are opponents in an incident when a
//+   statement about it puts them on different sides (ikg:participation); allies are never compared. For each
//+   incident and pair of opponents with a figure in the category (default killed), an agent's toll is the highest
//+   point value any source gives for it or for one of its sub-organisations (a battalion counts for its army);
//+   the ratio is toll ÷ other toll, counting an other toll of 0 as 1 so one-sided tolls still score. Rows whose
//+   ratio exceeds the threshold, rounded to two decimals; figures without a party, and those of a statement a
//+   later one revises, are left out.
//+ columns: [incident_name, party_name, toll, other_party_name, other_toll, ratio]  # what the default table shows
//+ params:
//+   threshold: {type: decimal, default: 10, description: Smallest ratio (exclusive) worth listing.}
//+   category: {type: string, default: killed, description: Category compared between the parties.}
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// The opponents (agents one statement about the incident puts on different sides) and the incident's figures
// with a party, in MATCH clauses that the Ladybug dialect makes one pattern from the incident (it would join a
// pattern starting from rows of an earlier clause by scanning whole relationship tables; separate clauses keep
// Neo4j from refusing one relationship for two parts of a pattern); then each opponent's toll (highest point value of its own
// figures and its sub-organisations', and how many statements give one) beside the other's in the same category.
MATCH (i:Incident)<-[:INCIDENT]-(ps:Statement)-[:PARTICIPATION]->(mine:Participation)-[:AGENT]->(p:Agent)
WHERE $incident IS NULL OR i.id = $incident
MATCH (ps)-[:PARTICIPATION]->(theirs:Participation)-[:AGENT]->(o:Agent)
MATCH (i)<-[:INCIDENT]-(s:Statement)-[:QUANTITY]->(q:Quantity)-[:PARTY]->(unit:Agent)
WHERE NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s) }
// the conditions on the sides and the figure after the pattern: inside it, Ladybug would start from every
// participation or quantity that meets them
WITH i, p, o, s, q, unit, mine.side <> theirs.side AS opposed
WHERE opposed AND q.value IS NOT NULL AND ($category IS NULL OR q.category = $category)
WITH DISTINCT i, p, o, s, q, unit
WITH i, p, o, s, q,
     unit.id = p.id OR EXISTS { MATCH (unit)-[:WITHIN_ORGANIZATION]->(p) } AS for_party,
     unit.id = o.id OR EXISTS { MATCH (unit)-[:WITHIN_ORGANIZATION]->(o) } AS for_other
WITH i, p, o, q.category AS category,
     max(CASE WHEN for_party THEN q.value END) AS toll, count(DISTINCT CASE WHEN for_party THEN s.id END) AS party_sources,
     max(CASE WHEN for_other THEN q.value END) AS other_toll,
     count(DISTINCT CASE WHEN for_other THEN s.id END) AS other_party_sources
WHERE toll IS NOT NULL AND other_toll IS NOT NULL
WITH i, category, p, toll, party_sources, o, other_toll, other_party_sources,
     round(100.0 * toll / CASE WHEN other_toll < 1 THEN 1 ELSE other_toll END) / 100 AS ratio
WHERE $threshold IS NULL OR ratio > $threshold
RETURN i.id AS incident, i.preferredName AS incident_name, category, p.id AS party, p.preferredName AS party_name, toll,
       party_sources, o.id AS other_party, o.preferredName AS other_party_name, other_toll, other_party_sources, ratio
ORDER BY ratio DESC, incident, category, party, other_party
