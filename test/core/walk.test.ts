import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { walkTree } from '../../src/core/discovery/walk';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mcps-walk-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return root;
}

test('skips dependency, VCS, virtualenv and build folders', async () => {
  const root = tree({
    'src/index.ts': '',
    'node_modules/pkg/index.js': '',
    'a/node_modules/deep/x.js': '',
    '.git/config': '',
    'dist/out.js': '',
    '__pycache__/x.pyc': '',
    'myenv/pyvenv.cfg': '',
    'myenv/lib/site.py': '',
    '.vscode/mcp.json': '{}',
  });
  try {
    const { files } = await walkTree(root);
    assert.deepEqual(files.map((f) => f.rel), ['.vscode/mcp.json', 'src/index.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('honours nested .gitignore files relative to their folder, and extra excludes', async () => {
  const root = tree({
    '.gitignore': '*.log\n/generated/\n',
    'app.log': '',
    'keep.ts': '',
    'generated/x.ts': '',
    'pkg/.gitignore': 'secret-notes.md\n!important.log\n',
    'pkg/secret-notes.md': '',
    'pkg/important.log': '',
    'pkg/generated/y.ts': '', // "/generated/" is anchored to the root .gitignore
    'pkg/src/a.ts': '',
    'scratch/tmp.ts': '',
  });
  try {
    const { files } = await walkTree(root, { exclude: ['scratch/'] });
    assert.deepEqual(files.map((f) => f.rel), ['.gitignore', 'keep.ts', 'pkg/.gitignore', 'pkg/generated/y.ts', 'pkg/important.log', 'pkg/src/a.ts']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('keepIgnored keeps gitignored config files, also inside an ignored folder', async () => {
  const root = tree({
    '.gitignore': '.vscode/\n.env\n',
    '.vscode/mcp.json': '{}',
    '.vscode/launch.json': '{}',
    '.env': 'X=1',
  });
  try {
    const { files } = await walkTree(root, {
      keepIgnored: (rel, isDir) => (isDir ? rel === '.vscode' : rel === '.vscode/mcp.json'),
    });
    assert.deepEqual(files.map((f) => [f.rel, f.gitignored]), [['.gitignore', false], ['.vscode/mcp.json', true]]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('symlink loops end with a note, not a hang; symlinked folders are walked once', async () => {
  const root = tree({ 'real/a.ts': '', 'real/sub/b.ts': '' });
  symlinkSync(join(root, 'real'), join(root, 'real', 'sub', 'loop'));
  symlinkSync(join(root, 'real'), join(root, 'alias'));
  symlinkSync(join(root, 'missing-target'), join(root, 'dangling'));
  try {
    const { files, problems } = await walkTree(root);
    const rels = files.map((f) => f.rel);
    // "real" is reached twice (directly and through "alias"); its files are listed once.
    assert.equal(rels.filter((r) => r.endsWith('/a.ts')).length, 1, rels.join(', '));
    assert.ok(problems.some((p) => /loop/i.test(p.message)), JSON.stringify(problems));
    assert.ok(problems.some((p) => /Broken symbolic link/.test(p.message)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('stops at maxFiles with a note', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) files[`f${i}.ts`] = '';
  const root = tree(files);
  try {
    const result = await walkTree(root, { maxFiles: 10 });
    assert.equal(result.files.length, 10);
    assert.ok(result.problems.some((p) => /Stopped after 10 files/.test(p.message)));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
