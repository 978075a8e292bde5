// A worker holding only what an agent's named libraries hold before any Loom code: an OpenAI client with
// Node's fetch loaded, and an MCP SDK client (its protocol schemas and its default JSON Schema validator).
// agentFootprint.bench.ts measures it idle, as the floor under an idle agent's worker.
import { parentPort } from 'node:worker_threads';
import OpenAI from 'openai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const held = {
  model: new OpenAI({ apiKey: 'none', baseURL: 'http://127.0.0.1:9/v1' }),
  tools: new Client({ name: 'floor', version: '0' }, { capabilities: {} }),
  transport: StdioClientTransport,
  // The model client's first request builds Headers, which loads Node's fetch (undici): an agent has it loaded.
  headers: new Headers(),
};
setInterval(() => held, 1e9);
parentPort?.postMessage('ready');
