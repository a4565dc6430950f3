//+ name: incident_network
//+ description: >-
//+   The actors around each incident and how they are tied to it - participant (took part), speaker (made a
//+   statement about it), outlet (published a document reporting such a statement) or party (a side whose
//+   casualties or arms a statement counts) - with the number of statements behind each tie (0 for participants).
//+ columns: [incident, relation, agent_name, statements]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
// Names are the projection's preferred values (English, else untagged, else any; the lexically smallest within
// that rank), the same rule the SPARQL twin spells out.
// One branch per relation, each already one row per incident and agent. Rows come branch by branch: a UNION
// cannot be sorted as a whole in a query that also runs on Ladybug (which has no CALL subqueries).
MATCH (i:Incident)-[:PARTICIPANT]->(a:Agent)
WHERE $incident IS NULL OR i.id = $incident
RETURN i.id AS incident, i.name AS incident_name, 'participant' AS relation, a.id AS agent,
       a.name AS agent_name, 0 AS statements
ORDER BY incident, agent
UNION ALL
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:SPEAKER]->(a:Agent)
RETURN i.id AS incident, i.name AS incident_name, 'speaker' AS relation, a.id AS agent,
       a.name AS agent_name, count(DISTINCT s) AS statements
ORDER BY incident, agent
UNION ALL
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:REPORTED_IN]->(:Document)-[:PUBLISHER]->(a:Agent)
RETURN i.id AS incident, i.name AS incident_name, 'outlet' AS relation, a.id AS agent,
       a.name AS agent_name, count(DISTINCT s) AS statements
ORDER BY incident, agent
UNION ALL
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:QUANTITY]->(:Quantity)-[:PARTY]->(a:Agent)
RETURN i.id AS incident, i.name AS incident_name, 'party' AS relation, a.id AS agent,
       a.name AS agent_name, count(DISTINCT s) AS statements
ORDER BY incident, agent
