//+ name: lethality
//+ description: >-
//+   Lethality index per state agency and period: in the incidents the agency took part in (as an
//+   ikg:participant; agencies are GovernmentAgency records), the opponents' dead per wounded
//+   (killed_per_wounded) and the opponents' dead per death of the agency's own (killed_per_own_death). The
//+   opponents are the armed participants (role armed-group or state-force) that a statement about the incident
//+   puts on another side than the agency or an organisation it belongs to; civilians, bystanders and victims
//+   are not counted. Sub-organisations roll up: the dead of a battalion or division count for its army or
//+   police, and those of a unit within an opponent for the opponent. Figures are kept per source (speaker): each
//+   source's highest figure per incident and party is summed, so two statements by one source are not added up
//+   and different sources are never mixed; a statement a later one revises counts for nothing. A ratio is empty
//+   when its divisor is 0; sources giving none of these figures are left out.
//+ columns: [speaker, agency_name, year, incidents, killed_per_wounded, killed_per_own_death]  # what the default table shows
//+ params:
//+   agency: {type: id, default: null, description: Only this agency (record id), or all.}
//+   speaker: {type: id, default: null, description: Only figures stated by this source (record id), or all sources.}
//+   period: {type: string, default: year, description: "year (a row per calendar year) or all (the whole period, year column 'all')."}
// Per source (speaker), incident and agency: the agency's opponents (armed participants a statement about the
// incident puts on another side than the agency or an organisation it belongs to); the source's highest figure
// for each party that is an opponent or within one, summed over the parties; the same for the agency's own dead
// (its figures and its units'); then summed per period. Each source's statements are reached from the incident
// and checked for their speaker: reached from the speaker, a source behind most statements (a whole dataset)
// would join every one of them with every incident. The speaker and the figures are parts of the patterns
// rather than EXISTS tests, which Ladybug joins with every SPEAKER or QUANTITY edge.
MATCH (i:Incident)-[:PARTICIPANT]->(ag:GovernmentAgency)
WHERE i.startDate IS NOT NULL AND ($agency IS NULL OR ag.id = $agency)
MATCH (st:Statement)-[:INCIDENT]->(i)
MATCH (st)-[:SPEAKER]->(sp), (st)-[:QUANTITY]->(:Quantity)
WHERE $speaker IS NULL OR sp.id = $speaker
WITH DISTINCT sp, i, ag
OPTIONAL MATCH (ss:Statement)-[:INCIDENT]->(i), (ss)-[:PARTICIPATION]->(mine:Participation)-[:AGENT]->(own:Agent),
               (ss)-[:PARTICIPATION]->(theirs:Participation)-[:AGENT]->(opp:Agent)
WHERE mine.side <> theirs.side AND theirs.participantRole IN ['armed-group', 'state-force']
  AND (own.id = ag.id OR EXISTS { MATCH (ag)-[:WITHIN_ORGANIZATION]->(own) })
WITH sp, i, ag, collect(DISTINCT opp.id) AS opponents
OPTIONAL MATCH (i)<-[:INCIDENT]-(s1:Statement)-[:QUANTITY]->(q1:Quantity)-[:PARTY]->(p1:Agent), (s1)-[:SPEAKER]->(sp)
WHERE q1.category = 'killed' AND q1.value IS NOT NULL AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s1) }
  AND (p1.id IN opponents OR EXISTS { MATCH (p1)-[:WITHIN_ORGANIZATION]->(u1:Agent) WHERE u1.id IN opponents })
WITH sp, i, ag, opponents, p1, max(q1.value) AS party_killed
WITH sp, i, ag, opponents, coalesce(sum(party_killed), 0) AS opposing_killed
OPTIONAL MATCH (i)<-[:INCIDENT]-(s2:Statement)-[:QUANTITY]->(q2:Quantity)-[:PARTY]->(p2:Agent), (s2)-[:SPEAKER]->(sp)
WHERE q2.category = 'wounded' AND q2.value IS NOT NULL AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s2) }
  AND (p2.id IN opponents OR EXISTS { MATCH (p2)-[:WITHIN_ORGANIZATION]->(u2:Agent) WHERE u2.id IN opponents })
WITH sp, i, ag, opposing_killed, p2, max(q2.value) AS party_wounded
WITH sp, i, ag, opposing_killed, coalesce(sum(party_wounded), 0) AS opposing_wounded
OPTIONAL MATCH (i)<-[:INCIDENT]-(s3:Statement)-[:QUANTITY]->(q3:Quantity)-[:PARTY]->(p3:Agent), (s3)-[:SPEAKER]->(sp)
WHERE q3.category = 'killed' AND q3.value IS NOT NULL AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s3) }
  AND (p3.id = ag.id OR EXISTS { MATCH (p3)-[:WITHIN_ORGANIZATION]->(ag) })
WITH sp, i, ag, opposing_killed, opposing_wounded, p3, max(q3.value) AS unit_killed
WITH sp, i, ag, opposing_killed, opposing_wounded, coalesce(sum(unit_killed), 0) AS own_killed
WITH sp, ag, i, opposing_killed, opposing_wounded, own_killed,
     CASE WHEN $period IS NULL THEN NULL WHEN $period = 'all' THEN 'all'
          ELSE left(toString(i.startDate), 4) END AS year
WITH sp, ag, year, count(i) AS incidents, sum(opposing_killed) AS killed_total,
     sum(opposing_wounded) AS wounded_total, sum(own_killed) AS own_total
WHERE killed_total + wounded_total + own_total > 0
RETURN sp.id AS speaker, ag.id AS agency, ag.preferredName AS agency_name, year, incidents,
       killed_total AS opposing_killed_total, wounded_total AS opposing_wounded_total, own_total AS own_killed_total,
       CASE WHEN wounded_total = 0 THEN NULL ELSE round(100.0 * killed_total / wounded_total) / 100 END
         AS killed_per_wounded,
       CASE WHEN own_total = 0 THEN NULL ELSE round(100.0 * killed_total / own_total) / 100 END
         AS killed_per_own_death
ORDER BY speaker, agency, year
