//+ name: most_contradicted
//+ description: >-
//+   Per incident, speakers and outlets ranked by how many of their statements stand in a contradiction about it:
//+   a statement stands in one when it supports one of two contradicting claims (asserting it, or denying the other) and some statement
//+   supports the other. One row per agent, role (speaker: it made the statements; outlet: it published a
//+   document reporting them) and counterpart, the speaker of a statement on the other side: statements counts
//+   the agent's statements in any contradiction, against those facing that counterpart.
//+ columns: [incident, role, agent_name, statements, counterpart_name, against]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only contradictions about this incident (record id), or all.}
//+   agent: {type: id, default: null, description: Only this speaker or outlet (agent record id), or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// CONTRADICTS is stored both ways (the property is symmetric), so each pair is met from both of its claims.
// A statement is on c's side of the pair (c, o) when it asserts c or denies o: it is reached from c through the
// build's SIDES_WITH (a superset: it also sides with c by denying another claim contradicting c) and then
// checked on the pair itself. The Ladybug dialect makes the two MATCH clauses one pattern, joined from the incident
// outwards (two clauses, as Neo4j would not let one statement use its SPEAKER edge for both sides). The
// statement's speaker and outlets come from the same pattern, one row per role; then per agent and statement the
// counterparts it faces, the agent's total and, per counterpart, how many of its statements face it.
MATCH (i:Incident)<-[:INCIDENT]-(c:Claim)-[:CONTRADICTS]->(o:Claim),
      (c)<-[:SIDES_WITH]-(s:Statement)-[:CLAIM]->(sc:Claim), (s)-[:SPEAKER]->(sp:Agent),
      (s)-[:REPORTED_IN]->(:Document)-[:PUBLISHER]->(po:Agent)
WHERE ($incident IS NULL OR i.id = $incident)
  AND ((sc.id = c.id AND s.stance = 'asserts') OR (sc.id = o.id AND s.stance = 'denies'))
MATCH (o)<-[:SIDES_WITH]-(t:Statement)-[:CLAIM]->(tc:Claim), (t)-[:SPEAKER]->(cp:Agent)
WHERE (tc.id = o.id AND t.stance = 'asserts') OR (tc.id = c.id AND t.stance = 'denies')
UNWIND [{role: 'outlet', id: po.id, name: po.preferredName}, {role: 'speaker', id: sp.id, name: sp.preferredName}] AS a
WITH i, a, s, cp
WHERE $agent IS NULL OR a.id = $agent
WITH i, a.role AS role, a.id AS agent, a.name AS agent_name, s, collect(DISTINCT cp.id) AS counterparts
WITH i, role, agent, agent_name, count(s) AS statements, collect(counterparts) AS faced
UNWIND faced AS counterparts
UNWIND counterparts AS cpid
WITH i, role, agent, agent_name, statements, cpid, count(*) AS against
MATCH (cp:Agent)
WHERE cp.id = cpid
RETURN i.id AS incident, role, agent, agent_name, statements, cp.id AS counterpart,
       cp.preferredName AS counterpart_name, against
ORDER BY incident, role, statements DESC, agent, against DESC, counterpart
