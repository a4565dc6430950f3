//+ name: citation_chain
//+ description: >-
//+   Who reported an incident first and who took it from whom: the documents reporting statements about the
//+   incident, in publication order with the date's precision (a placeholder date says unknown) and how many of
//+   the incident's statements each reports, each with its links to other documents - cites (credits it for some
//+   facts), relays (republishes it, as a newspaper carries a wire), and the same seen from the other end
//+   (cited by, relayed by) - one row per link, or one row with no link. The other document need not report a
//+   statement itself.
//+ columns: [incident, published, published_accuracy, outlet_name, document, relation, other, other_outlet_name]  # what the default table shows
//+ params:
//+   incident: {type: id, default: null, description: Only this incident (record id), or all.}
//+   document: {type: id, default: null, description: Only this reporting document (record id), or all.}
// Names and texts are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin.
// The reporting documents' links from them, their links to them, and the documents with neither, one branch
// each (a link's direction names the relation; Ladybug has no startNode). The last branch's empty columns are
// typed nulls (CASE on a bound node), as a UNION needs the types of the other branches in Ladybug.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:REPORTED_IN]->(d:Document)
WHERE $document IS NULL OR d.id = $document
MATCH (d)-[:PUBLISHER]->(o:Agent)
WITH i, d, o, count(DISTINCT s) AS statements
MATCH (d)-[r:CITES|RELAYS]->(x:Document)
MATCH (x)-[:PUBLISHER]->(xo:Agent)
WITH i, d, o, statements, x, xo, CASE WHEN type(r) = 'CITES' THEN 'cites' ELSE 'relays' END AS relation
RETURN i.id AS incident, d.id AS document, d.preferredName AS title, o.id AS outlet, o.preferredName AS outlet_name,
       d.published AS published, coalesce(d.publishedAccuracy, 'day') AS published_accuracy, statements, relation,
       x.id AS other, x.preferredName AS other_title, xo.id AS other_outlet, xo.preferredName AS other_outlet_name,
       x.published AS other_published, coalesce(x.publishedAccuracy, 'day') AS other_published_accuracy
ORDER BY incident, published, document, outlet, relation, other, other_outlet
UNION ALL
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:REPORTED_IN]->(d:Document)
WHERE $document IS NULL OR d.id = $document
MATCH (d)-[:PUBLISHER]->(o:Agent)
WITH i, d, o, count(DISTINCT s) AS statements
MATCH (d)<-[r:CITES|RELAYS]-(x:Document)
MATCH (x)-[:PUBLISHER]->(xo:Agent)
WITH i, d, o, statements, x, xo, CASE WHEN type(r) = 'CITES' THEN 'cited by' ELSE 'relayed by' END AS relation
RETURN i.id AS incident, d.id AS document, d.preferredName AS title, o.id AS outlet, o.preferredName AS outlet_name,
       d.published AS published, coalesce(d.publishedAccuracy, 'day') AS published_accuracy, statements, relation,
       x.id AS other, x.preferredName AS other_title, xo.id AS other_outlet, xo.preferredName AS other_outlet_name,
       x.published AS other_published, coalesce(x.publishedAccuracy, 'day') AS other_published_accuracy
ORDER BY incident, published, document, outlet, relation, other, other_outlet
UNION ALL
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE $incident IS NULL OR i.id = $incident
MATCH (s)-[:REPORTED_IN]->(d:Document)
WHERE $document IS NULL OR d.id = $document
MATCH (d)-[:PUBLISHER]->(o:Agent)
WITH i, d, o, count(DISTINCT s) AS statements
WHERE NOT EXISTS { MATCH (d)-[:CITES|RELAYS]-(:Document) }
RETURN i.id AS incident, d.id AS document, d.preferredName AS title, o.id AS outlet, o.preferredName AS outlet_name,
       d.published AS published, coalesce(d.publishedAccuracy, 'day') AS published_accuracy, statements,
       CASE WHEN d IS NULL THEN '' END AS relation, CASE WHEN d IS NULL THEN d.id END AS other,
       CASE WHEN d IS NULL THEN d.preferredName END AS other_title, CASE WHEN d IS NULL THEN o.id END AS other_outlet,
       CASE WHEN d IS NULL THEN o.preferredName END AS other_outlet_name,
       CASE WHEN d IS NULL THEN d.published END AS other_published,
       CASE WHEN d IS NULL THEN '' END AS other_published_accuracy
ORDER BY incident, published, document, outlet
