import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { callerId, requireScope } from './auth.js';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('..', import.meta.url));

interface Note {
  id: string;
  title: string;
  body: string;
  owner: string;
  tags: string[];
  updatedAt: string;
}

// In-memory store, shared by every session of this process.
const notes = new Map<string, Note>([
  ['n1', { id: 'n1', title: 'Release checklist', body: 'Tag, build, publish, announce.', owner: 'alice', tags: ['release'], updatedAt: '2026-01-12T09:30:00Z' }],
  ['n2', { id: 'n2', title: 'On-call handover', body: 'Pager rotation moves to Bob on Monday.', owner: 'bob', tags: ['ops'], updatedAt: '2026-02-03T17:05:00Z' }],
  ['n3', { id: 'n3', title: 'Vendor contracts', body: 'Renewal dates and negotiated prices.', owner: 'root', tags: ['finance', 'confidential'], updatedAt: '2026-02-20T11:00:00Z' }],
]);
let nextId = 4;

const text = (value: string) => ({ content: [{ type: 'text' as const, text: value }] });

export function createNotesServer(): McpServer {
  const server = new McpServer({ name: 'acme-notes', version: '0.4.2' });

  server.registerTool('list_notes', {
    title: 'List notes',
    description: 'List note ids and titles, optionally filtered by tag.',
    inputSchema: { tag: z.string().optional() },
    annotations: { readOnlyHint: true },
  }, async ({ tag }, extra) => {
    requireScope(extra, 'notes:read');
    const rows = [...notes.values()].filter((n) => !tag || n.tags.includes(tag));
    return text(rows.map((n) => `${n.id}\t${n.title}`).join('\n') || '(no notes)');
  });

  server.tool('read_note', 'Read one note by id.', { id: z.string() }, async ({ id }, extra) => {
    requireScope(extra, 'notes:read');
    const note = notes.get(id);
    if (!note) {
      return { ...text(`Note ${id} not found`), isError: true };
    }
    return text(`# ${note.title}\n\n${note.body}`);
  });

  server.registerTool('create_note', {
    description: 'Create a note.',
    inputSchema: { title: z.string().min(1), body: z.string(), tags: z.array(z.string()).default([]) },
  }, async ({ title, body, tags }, extra) => {
    // Writers only. (Local dev sessions have no token, so skip the check there.)
    if (extra.authInfo && !extra.authInfo.scopes.includes('notes:write')) {
      throw new Error('Forbidden: missing scope notes:write');
    }
    const id = `n${nextId++}`;
    notes.set(id, { id, title, body, tags, owner: callerId(extra), updatedAt: new Date().toISOString() });
    return text(`Created ${id}`);
  });

  server.tool('delete_note', 'Delete a note permanently.', { id: z.string() }, async ({ id }) => {
    const existed = notes.delete(id);
    return text(existed ? `Deleted ${id}` : `Note ${id} not found`);
  });

  server.registerTool(
    'export_notes',
    {
      title: 'Export all notes',
      description: 'Export every note of every user as Markdown or JSON (used by the nightly backup).',
      inputSchema: { format: z.enum(['markdown', 'json']).default('markdown') },
    },
    async ({ format }, extra) => {
      requireScope(extra, 'notes:read');
      const all = [...notes.values()];
      if (format === 'json') {
        return text(JSON.stringify(all, null, 2));
      }
      return text(all.map((n) => `## ${n.title} (${n.owner})\n\n${n.body}`).join('\n\n'));
    },
  );

  server.registerTool('run_report', {
    description: 'Run one of the canned reports in reports/ and return its output.',
    inputSchema: { name: z.enum(['word-count', 'stale-notes']), since: z.string().optional() },
  }, async ({ name, since }) => {
    const args = since ? [`reports/${name}.sh`, since] : [`reports/${name}.sh`];
    const { stdout } = await run('sh', args, { cwd: projectRoot, timeout: 10_000 });
    return text(stdout);
  });

  return server;
}
