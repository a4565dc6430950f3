//+ name: lethality
//+ description: >-
//+   Lethality index per state agency and period: in the incidents the agency took part in (as an
//+   ikg:participant; agencies are GovernmentAgency records), the opposing party's dead per wounded
//+   (killed_per_wounded) and the opposing party's dead per death of the agency's own
//+   (killed_per_own_death). The opposing party is every other participant that is an organization but no
//+   government agency (cartels, armed groups); civilians are not counted. Figures are kept per source
//+   (speaker): each source's highest figure per incident and party is summed, so two statements by one source
//+   are not added up and different sources are never mixed. A ratio is empty when its divisor is 0; sources
//+   giving none of these figures are left out.
//+ columns: [speaker, agency_name, year, incidents, killed_per_wounded, killed_per_own_death]  # what the default table shows
//+ params:
//+   agency: {type: id, default: null, description: Only this agency (record id), or all.}
//+   speaker: {type: id, default: null, description: Only figures stated by this source (record id), or all sources.}
//+   period: {type: string, default: year, description: "year (a row per calendar year) or all (the whole period, year column 'all')."}
// Per source (speaker), incident and agency: the source's highest figure for each opposing party, summed over
// the parties, and its highest figure for the agency's own dead; then summed per period.
MATCH (i:Incident)-[:PARTICIPANT]->(ag:GovernmentAgency)
WHERE i.startDate IS NOT NULL AND ($agency IS NULL OR ag.id = $agency)
MATCH (st:Statement)-[:INCIDENT]->(i)
MATCH (st)-[:SPEAKER]->(sp)
WHERE ($speaker IS NULL OR sp.id = $speaker) AND EXISTS { MATCH (st)-[:QUANTITY]->(:Quantity) }
WITH DISTINCT sp, i, ag
OPTIONAL MATCH (s1:Statement)-[:SPEAKER]->(sp), (s1)-[:INCIDENT]->(i),
               (s1)-[:QUANTITY]->(q1:Quantity)-[:PARTY]->(p1:Organization)
WHERE q1.category = 'killed' AND q1.value IS NOT NULL AND NOT p1:GovernmentAgency
  AND EXISTS { MATCH (i)-[:PARTICIPANT]->(p1) }
WITH sp, i, ag, p1, max(q1.value) AS party_killed
WITH sp, i, ag, coalesce(sum(party_killed), 0) AS opposing_killed
OPTIONAL MATCH (s2:Statement)-[:SPEAKER]->(sp), (s2)-[:INCIDENT]->(i),
               (s2)-[:QUANTITY]->(q2:Quantity)-[:PARTY]->(p2:Organization)
WHERE q2.category = 'wounded' AND q2.value IS NOT NULL AND NOT p2:GovernmentAgency
  AND EXISTS { MATCH (i)-[:PARTICIPANT]->(p2) }
WITH sp, i, ag, opposing_killed, p2, max(q2.value) AS party_wounded
WITH sp, i, ag, opposing_killed, coalesce(sum(party_wounded), 0) AS opposing_wounded
OPTIONAL MATCH (s3:Statement)-[:SPEAKER]->(sp), (s3)-[:INCIDENT]->(i), (s3)-[:QUANTITY]->(q3:Quantity)-[:PARTY]->(ag)
WHERE q3.category = 'killed' AND q3.value IS NOT NULL
WITH sp, i, ag, opposing_killed, opposing_wounded, coalesce(max(q3.value), 0) AS own_killed
WITH sp, ag, i, opposing_killed, opposing_wounded, own_killed,
     CASE WHEN $period IS NULL THEN NULL WHEN $period = 'all' THEN 'all'
          ELSE left(toString(i.startDate), 4) END AS year
WITH sp, ag, year, count(i) AS incidents, sum(opposing_killed) AS killed_total,
     sum(opposing_wounded) AS wounded_total, sum(own_killed) AS own_total
WHERE killed_total + wounded_total + own_total > 0
RETURN sp.id AS speaker, ag.id AS agency, ag.name AS agency_name, year, incidents,
       killed_total AS opposing_killed_total, wounded_total AS opposing_wounded_total, own_total AS own_killed_total,
       CASE WHEN wounded_total = 0 THEN NULL ELSE round(100.0 * killed_total / wounded_total) / 100 END
         AS killed_per_wounded,
       CASE WHEN own_total = 0 THEN NULL ELSE round(100.0 * killed_total / own_total) / 100 END
         AS killed_per_own_death
ORDER BY speaker, agency, year
