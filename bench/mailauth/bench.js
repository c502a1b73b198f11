'use strict';
// mailauth 7.1.0 as a library in one node process, DNS answered from the corpus cassette
// (the same shape as mailauth's --dns-cache). Prints one JSON line; --digest writes results.
// Usage: node bench.js CORPUS [--limit N] [--seconds S] [--digest FILE]
const fs = require('node:fs');
const path = require('node:path');
const { authenticate } = require('mailauth');

const RECEIVER = 'mx.receiver.example';

function parseArgs(argv) {
    const args = { corpus: argv[0], limit: 0, seconds: 0, digest: null };
    for (let i = 1; i < argv.length; i += 2) {
        args[argv[i].replace(/^--/, '')] = argv[i + 1];
    }
    return args;
}

function makeResolver(cassette) {
    return async (name, rr) => {
        const match = cassette[String(name).replace(/\.$/, '').toLowerCase()]?.[rr];
        if (!match) {
            const err = new Error(`${rr} ${name}: not in the snapshot`);
            err.code = 'ENOTFOUND';
            throw err;
        }
        return match;
    };
}

function summary(res) {
    return {
        dkim: (res.dkim?.results || []).map(r => [r.signingDomain, r.status?.result]),
        spf: res.spf?.status?.result,
        dmarc: res.dmarc?.status?.result,
        arc: res.arc?.status?.result
    };
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const corpus = args.corpus;
    const cassette = JSON.parse(fs.readFileSync(path.join(corpus, 'dns.json'), 'utf-8'));
    let rows = fs.readFileSync(path.join(corpus, 'meta.jsonl'), 'utf-8').trim().split('\n').map(l => JSON.parse(l));
    if (Number(args.limit)) {
        rows = rows.slice(0, Number(args.limit));
    }
    const resolver = makeResolver(cassette);
    const results = [];
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    for (const row of rows) {
        const raw = fs.readFileSync(path.join(corpus, 'messages', row.file));
        const res = await authenticate(raw, {
            ip: row.ip, helo: row.helo, sender: row.mail_from, mta: RECEIVER, resolver, disableBimi: true
        });
        results.push(summary(res));
        if (Number(args.seconds) && Number(process.hrtime.bigint() - start) / 1e9 > Number(args.seconds)) {
            break;
        }
    }
    const secs = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart); // microseconds, all threads of the process
    if (args.digest) {
        fs.writeFileSync(args.digest, results.map(r => JSON.stringify(r)).join('\n') + '\n');
    }
    // VmHWM starts afresh at exec; maxRSS would include the parent's peak (Linux quirk)
    const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf-8'));
    const rss = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
    process.stdout.write(JSON.stringify({
        tool: 'mailauth', messages: results.length, seconds: Number(secs.toFixed(4)),
        msgs_per_s: Number((results.length / secs).toFixed(2)), peak_rss_mb: Number(rss.toFixed(1)),
        cpu_ms_per_msg: Number(((cpu.user + cpu.system) / 1000 / results.length).toFixed(3)),
        node: process.version
    }) + '\n');
}

main().catch(err => {
    process.stderr.write(`mailauth harness failed: ${err.stack || err}\n`);
    process.exit(1);
});
