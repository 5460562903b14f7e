// Prints the time (ms) of require(dist/extension.js) + activate() in a fresh process.
require('./vscode-stub.cjs');
const path = require('node:path');
const started = process.hrtime.bigint();
const extension = require(path.resolve(__dirname, '../../dist/extension.js'));
const required = process.hrtime.bigint();
const context = { subscriptions: [], extensionUri: { fsPath: path.resolve(__dirname, '../..'), path: path.resolve(__dirname, '../..'), scheme: 'file' } };
extension.activate(context);
const activated = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ requireMs: Number(required - started) / 1e6, activateMs: Number(activated - required) / 1e6 }));
process.exit(0); // do not wait for the discovery run activate() scheduled
