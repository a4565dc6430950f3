//+ name: data_quality
//+ description: >-
//+   What in the graph needs an editor's look, one row per record and issue - placeholder-date (a statement's or
//+   document's date of accuracy unknown), imprecise-date (known to the month or year only), no-url (a document
//+   without a URL), single-source (a claim that statements of only one speaker assert, revised statements
//+   left out; source is that speaker), unsupported (an incident no statement is about, a claim no statement
//+   asserts or denies). Dates and accuracies are those of the record. Given an incident: its statements, the
//+   documents that report them, its claims and the incident itself.
//+ columns: [issue, record_kind, record, record_name, date, accuracy, source]  # what the default table shows
//+ params:
//+   issue: {type: string, default: null, variable: wanted_issue, description: "Only this issue: placeholder-date, imprecise-date, no-url, single-source or unsupported; or all."}
//+   incident: {type: id, default: null, description: "Only the records of this incident (id), or all."}
// Names are the build's materialised preferredName (ontology/display.py), as in the SPARQL twin. One branch per
// kind of issue, each skipped whole when the issue parameter names another. A given incident keeps its
// statements, the documents reporting them, its claims and itself. Statements and claims are matched through
// their incident, which Ladybug then looks up by id (a statement of several incidents is kept once: DISTINCT);
// a document is tested with an EXISTS, since one no statement reports belongs to no incident yet is listed
// when none is given. Rows come branch by branch (Ladybug has no CALL subqueries to sort a UNION as a whole); a
// column a branch leaves empty is a typed null (CASE WHEN false THEN ...), since Ladybug's UNION refuses an
// untyped NULL beside a string or a date.
// A record no statement supports is counted through an OPTIONAL MATCH rather than a NOT EXISTS: Ladybug
// expands the optional pattern from the records at hand, while it joins a NOT EXISTS with every such edge.
MATCH (s:Statement)-[:INCIDENT]->(i:Incident)
WHERE s.dateAccuracy IS NOT NULL AND s.dateAccuracy <> 'day' AND ($incident IS NULL OR i.id = $incident)
WITH DISTINCT s
WITH s, CASE WHEN s.dateAccuracy = 'unknown' THEN 'placeholder-date' ELSE 'imprecise-date' END AS issue
WHERE $issue IS NULL OR issue = $issue
RETURN issue, 'Statement' AS record_kind, s.id AS record, s.preferredName AS record_name, s.date AS date,
       s.dateAccuracy AS accuracy, CASE WHEN false THEN '' END AS source
ORDER BY issue, record
UNION ALL
MATCH (d:Document)
WHERE d.publishedAccuracy IS NOT NULL AND d.publishedAccuracy <> 'day'
  AND ($incident IS NULL
       OR EXISTS { MATCH (d)<-[:REPORTED_IN]-(:Statement)-[:INCIDENT]->(i:Incident) WHERE i.id = $incident })
WITH d, CASE WHEN d.publishedAccuracy = 'unknown' THEN 'placeholder-date' ELSE 'imprecise-date' END AS issue
WHERE $issue IS NULL OR issue = $issue
RETURN issue, 'Document' AS record_kind, d.id AS record, d.preferredName AS record_name, d.published AS date,
       d.publishedAccuracy AS accuracy, CASE WHEN false THEN '' END AS source
ORDER BY issue, record
UNION ALL
MATCH (d:Document)
WHERE ($issue IS NULL OR $issue = 'no-url') AND d.url IS NULL
  AND ($incident IS NULL
       OR EXISTS { MATCH (d)<-[:REPORTED_IN]-(:Statement)-[:INCIDENT]->(i:Incident) WHERE i.id = $incident })
RETURN 'no-url' AS issue, 'Document' AS record_kind, d.id AS record, d.preferredName AS record_name,
       d.published AS date, CASE WHEN false THEN '' END AS accuracy, CASE WHEN false THEN '' END AS source
ORDER BY record
UNION ALL
MATCH (c:Claim)-[:INCIDENT]->(i:Incident)
WHERE ($issue IS NULL OR $issue = 'single-source') AND ($incident IS NULL OR i.id = $incident)
MATCH (s:Statement)-[:CLAIM]->(c)
WHERE s.stance = 'asserts'
  AND NOT EXISTS { MATCH (:Statement)-[:REVISES]->(s) }
MATCH (s)-[:SPEAKER]->(sp:Agent)
WITH c, count(DISTINCT sp) AS speakers, min(sp.id) AS source
WHERE speakers = 1
RETURN 'single-source' AS issue, 'Claim' AS record_kind, c.id AS record, c.preferredName AS record_name,
       CASE WHEN false THEN date('2000-01-01') END AS date, CASE WHEN false THEN '' END AS accuracy, source
ORDER BY record
UNION ALL
MATCH (i:Incident)
WHERE ($issue IS NULL OR $issue = 'unsupported') AND ($incident IS NULL OR i.id = $incident)
OPTIONAL MATCH (s:Statement)-[:INCIDENT]->(i)
WITH i, count(s) AS statements
WHERE statements = 0
RETURN 'unsupported' AS issue, 'Incident' AS record_kind, i.id AS record, i.preferredName AS record_name,
       CASE WHEN false THEN date('2000-01-01') END AS date, CASE WHEN false THEN '' END AS accuracy,
       CASE WHEN false THEN '' END AS source
ORDER BY record
UNION ALL
MATCH (c:Claim)-[:INCIDENT]->(i:Incident)
WHERE ($issue IS NULL OR $issue = 'unsupported') AND ($incident IS NULL OR i.id = $incident)
OPTIONAL MATCH (s:Statement)-[:CLAIM]->(c)
WITH c, count(s) AS statements
WHERE statements = 0
RETURN 'unsupported' AS issue, 'Claim' AS record_kind, c.id AS record, c.preferredName AS record_name,
       CASE WHEN false THEN date('2000-01-01') END AS date, CASE WHEN false THEN '' END AS accuracy,
       CASE WHEN false THEN '' END AS source
ORDER BY record
