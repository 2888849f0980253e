// Parses PromQL expressions with Prometheus' own grammar (the one its web UI's editor uses).
// Input on stdin: a JSON array of {"where": "...", "expr": "..."}. Prints one line per expression
// that does not parse, naming where it is and the offset of the first error; exits 1 if any.
import { parser } from '@prometheus-io/lezer-promql';

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const items = JSON.parse(Buffer.concat(chunks).toString('utf8'));
let failed = 0;
for (const { where, expr } of items) {
  // Grafana's variables are not PromQL: $job stands for a regular expression in a label matcher
  const promql = expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.*');
  let errorAt = -1;
  parser.parse(promql).iterate({
    enter: (node) => {
      if (node.type.isError && errorAt < 0) {
        errorAt = node.from;
      }
    },
  });
  if (errorAt >= 0) {
    failed++;
    console.log(`${where}: does not parse at offset ${errorAt}: ${promql}`);
  }
}
console.log(`${items.length - failed} of ${items.length} expressions parse`);
process.exit(failed === 0 ? 0 : 1);
