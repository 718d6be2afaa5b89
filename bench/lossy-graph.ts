// A proxy in front of the emulator's Graph that loses the answer of a share of accepted
// POST /invitations: Graph created the invitation (201), and the caller's connection is
// then closed without a byte of it, so the redeem URL in that answer is gone. It also logs
// every POST /invitations with what became of its answer.
//
// Why a proxy rather than the emulator's own `lostAnswerRate`: the emulator has one fault
// injector, and its `operations` filter limits all of its faults at once, so it cannot
// answer every Graph call 429/503 and lose answers of `invite` alone. The proxy serves a
// certificate from the emulator's own CA (prepareTls reuses the CA in the same dataDir),
// so a worker that trusts the emulator trusts the proxy.

import type { IncomingMessage } from 'node:http';
import { Agent, createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { prepareTls } from '../src/emulator/certificates.ts';
import { mulberry32 } from '../src/emulator/graph/faults.ts';

export interface InvitationPost {
  email: string;
  sendInvitationMessage: boolean;
  /** The emulator's status (201 even when the proxy then lost the answer). */
  status: number;
  /** delivered; lost (dropped by this proxy); caller-gone (the worker died while Graph worked). */
  answer: 'delivered' | 'lost' | 'caller-gone';
  startMs: number;
  endMs: number;
}

export interface LossyGraph {
  url: string;
  posts: InvitationPost[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startLossyGraph(input: {
  target: string;
  caPem: string;
  /** The emulator's dataDir, where its CA is. */
  dataDir: string;
  /** Share (0..1) of 201 answers to POST /invitations that are lost. */
  lostRate: number;
  seed?: number;
}): Promise<LossyGraph> {
  const tls = await prepareTls(input.dataDir);
  const target = new URL(input.target);
  const agent = new Agent({ ca: input.caPem, keepAlive: true, maxSockets: 64 });
  const random = mulberry32(input.seed ?? 7);
  const posts: InvitationPost[] = [];

  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void (async () => {
      const startMs = Date.now();
      const body = await readAll(req);
      const upstream = await forward(req, body);
      const isInvite = req.method === 'POST' && (req.url ?? '').split('?')[0]?.toLowerCase() === '/v1.0/invitations';
      let answer: InvitationPost['answer'] = 'delivered';
      if (isInvite && upstream.status === 201 && random() < input.lostRate) {
        answer = 'lost';
        req.socket.destroy();
      } else if (req.socket.destroyed) {
        answer = 'caller-gone';
      } else {
        const headers = Object.fromEntries(
          Object.entries(upstream.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
        );
        res.writeHead(upstream.status, { ...headers, 'content-length': upstream.body.length });
        res.end(upstream.body);
      }
      if (isInvite) {
        const sent = JSON.parse(body.toString('utf8') || '{}') as {
          invitedUserEmailAddress?: string;
          sendInvitationMessage?: boolean;
        };
        posts.push({
          email: String(sent.invitedUserEmailAddress).toLowerCase(),
          sendInvitationMessage: sent.sendInvitationMessage === true,
          status: upstream.status,
          answer,
          startMs,
          endMs: Date.now(),
        });
      }
    })().catch(() => req.socket.destroy());
  });

  function forward(req: IncomingMessage, body: Buffer) {
    return new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const outgoing = httpsRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          // The Host header stays the proxy's, so links Graph builds point back here.
          headers: { ...req.headers, 'content-length': body.length },
        },
        (answer) => {
          readAll(answer).then(
            (data) => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: data }),
            reject,
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    posts,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
