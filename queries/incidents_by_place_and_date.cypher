//+ name: incidents_by_place_and_date
//+ description: >-
//+   Incidents by where and when: each incident with its place, the municipality and state that place is or lies
//+   in (with their INEGI codes), its start date and its death toll as the sources give it - how many statements
//+   give one, the lowest and the highest. A statement's toll is its largest killed figure without a party (a
//+   total, or a count whose party is not stated), else the sum of its killed figures per party; revised
//+   statements are left out. Filter by a place (a state, a municipality or a site: incidents at it or within
//+   it), an INEGI code (a state's 2 digits or a municipality's 5) and a range of start dates.
//+ columns: [incident, start_date, place_name, municipality_name, state_name, toll_statements, min_toll, max_toll]  # what the default table shows
//+ params:
//+   area: {type: id, default: null, description: "Only incidents at this place or within it: a state, a municipality or a site (record id), or all."}
//+   inegi: {type: string, default: null, description: "Only incidents within the state or municipality of this INEGI code (2 or 5 digits), or all."}
//+   from: {type: date, default: null, description: First start date to include (YYYY-MM-DD), or no limit.}
//+   to: {type: date, default: null, description: Last start date to include (YYYY-MM-DD), or no limit.}
// Names are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin. PART_OF is closed
// transitively by the build, so one step (or none: the place itself) reaches every enclosing municipality and state.
// The places first, then their incidents (Ladybug would otherwise scan every incident to join them to the
// places), and the incident's columns taken before the aggregation (read after it, Ladybug fetches them by
// scanning the incident table again).
MATCH (pl:Place)
WHERE ($area IS NULL OR pl.id = $area OR EXISTS { MATCH (pl)-[:PART_OF]->(ar:Place) WHERE ar.id = $area })
  AND ($inegi IS NULL OR pl.inegiCode = $inegi
       OR EXISTS { MATCH (pl)-[:PART_OF]->(c:Place) WHERE c.inegiCode = $inegi })
WITH pl
MATCH (pl)<-[:PLACE]-(i:Incident)
WHERE ($from IS NULL OR i.startDate >= date($from)) AND ($to IS NULL OR i.startDate <= date($to))
OPTIONAL MATCH (pl)-[:PART_OF]->(m:Municipality)
OPTIONAL MATCH (pl)-[:PART_OF]->(st:State)
WITH i, i.id AS incident, i.preferredName AS incident_name, i.startDate AS start_date, pl,
     CASE WHEN pl:Municipality THEN pl ELSE m END AS mun, CASE WHEN pl:State THEN pl ELSE st END AS state
// every figure of the incident, the killed ones among them told apart after the match (a condition on the
// quantity inside the OPTIONAL MATCH makes Ladybug start from every quantity that meets it)
OPTIONAL MATCH (i)<-[:INCIDENT]-(s:Statement)-[:QUANTITY]->(q:Quantity)
OPTIONAL MATCH (later:Statement)-[:REVISES]->(s)
WITH incident, incident_name, start_date, pl, mun, state, s, q, count(later) AS revisions
WITH incident, incident_name, start_date, pl, mun, state, s, q,
     q.category = 'killed' AND q.value IS NOT NULL AND revisions = 0 AS counted
OPTIONAL MATCH (q)-[:PARTY]->(p:Agent)
WITH incident, incident_name, start_date, pl, mun, state, CASE WHEN counted THEN s.id END AS sid,
     max(CASE WHEN counted AND p IS NULL THEN q.value END) AS whole,
     sum(CASE WHEN counted AND p IS NOT NULL THEN q.value ELSE 0 END) AS by_party
WITH incident, incident_name, start_date, pl, mun, state, sid,
     CASE WHEN sid IS NULL THEN NULL ELSE coalesce(whole, by_party) END AS toll
RETURN incident, incident_name, start_date, pl.id AS place,
       pl.preferredName AS place_name, mun.id AS municipality, mun.preferredName AS municipality_name,
       mun.inegiCode AS municipality_inegi, state.id AS state, state.preferredName AS state_name,
       state.inegiCode AS state_inegi, count(DISTINCT sid) AS toll_statements, min(toll) AS min_toll,
       max(toll) AS max_toll
ORDER BY start_date, incident
