//+ name: contested_attributes
//+ description: >-
//+   Attributes of an incident that sources give different values for: each pair of attribute claims (ikg:AttributeClaim)
//+   about the same incident and attribute (place, coordinates, date, time) whose values differ, with both values,
//+   whether the graph marks the two as contradicting, for places whether one lies within the other (a coarser
//+   version rather than a rival), for coordinates the great-circle distance in km between the two points
//+   (haversine, Earth radius 6371 km, rounded to 10 m), for times the minutes between them, and how many
//+   statements assert each version (revised statements left out).
//+ columns: [incident, attribute, value_a, value_b, distance_km, minutes_apart, a_statements, b_statements]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   attribute: {type: string, default: null, description: "Only this attribute: place, coordinates, date or time; or all."}
// Names are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin, which writes the
// haversine in arithmetic; here radians, sin, cos, asin and sqrt are Ladybug's and Neo4j's own.
MATCH (a:Claim)-[:INCIDENT]->(i:Incident)
WHERE ($incident IS NULL OR i.id = $incident) AND a.attribute IS NOT NULL
  AND ($attribute IS NULL OR a.attribute = $attribute)
MATCH (b:Claim)-[:INCIDENT]->(i)
WHERE b.attribute = a.attribute AND a.id < b.id
OPTIONAL MATCH (a)-[:CLAIMED_PLACE]->(pa:Place)
OPTIONAL MATCH (b)-[:CLAIMED_PLACE]->(pb:Place)
WITH i, a, b, pa, pb
// the first comparison both claims have values for decides (a missing value makes it null, which coalesce skips)
WHERE coalesce(pa.id <> pb.id, a.claimedLatitude <> b.claimedLatitude OR a.claimedLongitude <> b.claimedLongitude,
               a.claimedDate <> b.claimedDate, a.claimedTime <> b.claimedTime, false)
OPTIONAL MATCH (pa)-[wa:PART_OF]->(pb)
OPTIONAL MATCH (pb)-[wb:PART_OF]->(pa)
OPTIONAL MATCH (a)-[x:CONTRADICTS]->(b)
OPTIONAL MATCH (sa:Statement)-[:CLAIM]->(a)
WHERE sa.stance = 'asserts' AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(sa) }
WITH i, a, b, pa, pb, wa, wb, x, count(DISTINCT sa) AS a_statements
OPTIONAL MATCH (sb:Statement)-[:CLAIM]->(b)
WHERE sb.stance = 'asserts' AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(sb) }
WITH i, a, b, pa, pb, wa, wb, x, a_statements, count(DISTINCT sb) AS b_statements,
     radians(a.claimedLatitude) AS p, radians(b.claimedLatitude) AS q,
     radians(b.claimedLatitude - a.claimedLatitude) / 2 AS h, radians(b.claimedLongitude - a.claimedLongitude) / 2 AS k
RETURN i.id AS incident, i.preferredName AS incident_name, a.attribute AS attribute, a.id AS claim_a,
       b.id AS claim_b, x IS NOT NULL AS contradicts,
       coalesce(pa.preferredName, toString(a.claimedDate), a.claimedTime) AS value_a,
       coalesce(pb.preferredName, toString(b.claimedDate), b.claimedTime) AS value_b,
       pa.id AS place_a, pb.id AS place_b,
       CASE WHEN pa IS NULL OR pb IS NULL THEN NULL ELSE wa IS NOT NULL OR wb IS NOT NULL END AS one_within_other,
       a.claimedLatitude AS latitude_a, a.claimedLongitude AS longitude_a,
       b.claimedLatitude AS latitude_b, b.claimedLongitude AS longitude_b,
       round(2 * 6371 * asin(sqrt(sin(h) * sin(h) + cos(p) * cos(q) * sin(k) * sin(k))) * 100) / 100 AS distance_km,
       abs(toInteger(substring(b.claimedTime, 0, 2)) * 60 + toInteger(substring(b.claimedTime, 3, 2))
           - toInteger(substring(a.claimedTime, 0, 2)) * 60 - toInteger(substring(a.claimedTime, 3, 2)))
         AS minutes_apart,
       a_statements, b_statements
ORDER BY incident, attribute, claim_a, claim_b
