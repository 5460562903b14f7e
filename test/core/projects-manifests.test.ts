import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  PROJECT_MANIFEST_BASENAMES,
  frameworkFor,
  isProjectManifest,
  manifestDependencies,
  manifestProjectRoot,
} from '../../src/core/projects';
import { requirementName } from '../../src/core/projects/manifests';

describe('project manifests', () => {
  it('recognises manifest paths', () => {
    for (const p of ['package.json', 'a/b/pyproject.toml', 'requirements.txt', 'svc/requirements-dev.txt', 'requirements_test.txt',
      'requirements/prod.txt', 'setup.cfg', 'setup.py', 'uv.lock', 'Pipfile', 'go.mod']) {
      assert.equal(isProjectManifest(p), true, p);
    }
    for (const p of ['notes.txt', 'Pipfile.lock', 'package-lock.json', 'src/requirements.py', 'go.sum', 'requirements/readme.md']) {
      assert.equal(isProjectManifest(p), false, p);
    }
    assert.equal(PROJECT_MANIFEST_BASENAMES.has('go.mod'), true);
  });

  it('puts requirements/*.txt in the folder above', () => {
    assert.equal(manifestProjectRoot(path.join('/w', 'svc', 'requirements', 'base.txt')), path.join('/w', 'svc'));
    assert.equal(manifestProjectRoot(path.join('/w', 'svc', 'requirements.txt')), path.join('/w', 'svc'));
    assert.equal(manifestProjectRoot(path.join('/w', 'package.json')), '/w');
  });

  it('extracts PEP 508 distribution names, normalised', () => {
    const cases: Array<[string, string | undefined]> = [
      ['mcp[cli]>=1.2.0', 'mcp'],
      ['MCP==1.0', 'mcp'],
      ['Fast_MCP ~= 2.0', 'fast-mcp'],
      ['mcp @ git+https://github.com/modelcontextprotocol/python-sdk', 'mcp'],
      ["mcp; python_version > '3.10'", 'mcp'],
      ['   ', undefined],
    ];
    for (const [req, name] of cases) assert.equal(requirementName(req), name, req);
  });

  it('reads requirements files, skipping options, URLs and comments', async () => {
    const text = '# comment\n-r base.txt\n-e .\nhttps://example.com/pkg.whl\nrequests>=2 # http\n  mcp[cli]==1.9 ; python_version>"3.9"\n';
    assert.deepEqual(await manifestDependencies('/p/requirements.txt', text), ['requests', 'mcp']);
  });

  it('reads package.json dependency blocks and rejects malformed JSON', async () => {
    const deps = await manifestDependencies('/p/package.json', JSON.stringify({
      dependencies: { zod: '3' }, devDependencies: { '@modelcontextprotocol/sdk': '1' }, peerDependencies: { fastmcp: '3' },
    }));
    assert.deepEqual(deps, ['zod', '@modelcontextprotocol/sdk', 'fastmcp']);
    await assert.rejects(manifestDependencies('/p/package.json', '{ "dependencies": '));
  });

  it('reads pyproject [project] and poetry dependencies; malformed TOML rejects', async () => {
    const text = '[project]\nname = "x"\ndependencies = ["httpx", "mcp[cli]>=1.2"]\n[tool.poetry.dependencies]\npython = "^3.11"\nFastMCP = "^2"\n';
    assert.deepEqual(await manifestDependencies('/p/pyproject.toml', text), ['httpx', 'mcp', 'python', 'fastmcp']);
    await assert.rejects(manifestDependencies('/p/pyproject.toml', '[project\n'));
  });

  it('reads only the project\'s own entry of uv.lock', async () => {
    const text = [
      'version = 1',
      '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [{ name = "FastMCP" }]',
      '[[package]]\nname = "fastmcp"\nversion = "2.0"\nsource = { registry = "https://pypi.org/simple" }\ndependencies = [{ name = "mcp" }]',
    ].join('\n');
    assert.deepEqual(await manifestDependencies('/p/uv.lock', text), ['fastmcp']);
  });

  it('reads setup.cfg install_requires, setup.py (inline and constant) and Pipfile', async () => {
    const cfg = '[metadata]\nname = x\n[options]\ninstall_requires =\n    anyio\n    # note\n    mcp>=1\npython_requires = >=3.10\n  not-a-dep\n';
    assert.deepEqual(await manifestDependencies('/p/setup.cfg', cfg), ['anyio', 'mcp']);
    const inline = 'from setuptools import setup\nsetup(name="x", install_requires=["mcp[cli]", \'requests\'])\n';
    assert.deepEqual(await manifestDependencies('/p/setup.py', inline), ['mcp', 'requests']);
    const constant = 'import setuptools\nDEPS = ("fastmcp>=2",)\nsetuptools.setup(install_requires=DEPS)\n';
    assert.deepEqual(await manifestDependencies('/p/setup.py', constant), ['fastmcp']);
    const pip = '[packages]\nmcp = "*"\n[dev-packages]\npytest = "*"\n';
    assert.deepEqual(await manifestDependencies('/p/Pipfile', pip), ['mcp']);
  });

  it('reads go.mod require lines and blocks', async () => {
    const text = 'module x\n\ngo 1.23\n\nrequire github.com/mark3labs/mcp-go v0.32.0\n\nrequire (\n\tgithub.com/modelcontextprotocol/go-sdk/v2 v2.0.0 // indirect\n\tgolang.org/x/net v0.1.0\n)\n';
    assert.deepEqual(await manifestDependencies('/p/go.mod', text), [
      'github.com/mark3labs/mcp-go', 'github.com/modelcontextprotocol/go-sdk/v2', 'golang.org/x/net',
    ]);
  });

  it('maps dependencies to a framework, wrappers before the SDK they wrap', () => {
    assert.equal(frameworkFor('node', ['@modelcontextprotocol/sdk', 'fastmcp']), 'fastmcp');
    assert.equal(frameworkFor('node', ['@modelcontextprotocol/sdk']), 'mcp-sdk');
    assert.equal(frameworkFor('node', ['@modelcontextprotocol/server']), 'mcp-sdk-v2');
    assert.equal(frameworkFor('node', ['@vercel/mcp-adapter']), 'mcp-handler');
    assert.equal(frameworkFor('node', ['mcp-framework', '@modelcontextprotocol/sdk']), 'mcp-framework');
    assert.equal(frameworkFor('node', ['express']), undefined);
    assert.equal(frameworkFor('python', ['mcp', 'fastmcp']), 'fastmcp-python');
    assert.equal(frameworkFor('python', ['mcp']), 'mcp-python');
    assert.equal(frameworkFor('python', ['mcp-server-git']), undefined);
    assert.equal(frameworkFor('go', ['github.com/modelcontextprotocol/go-sdk/v2']), 'go-sdk');
    assert.equal(frameworkFor('go', ['github.com/mark3labs/mcp-go']), 'mcp-go');
  });
});
