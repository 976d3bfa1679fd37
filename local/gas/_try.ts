import fs from 'node:fs';
import { createGasEnvironment, createState, findBundleProblems, loadBundle } from './index';
const code = fs.readFileSync('/tmp/zb/out.js', 'utf8');
console.log(findBundleProblems(code));
const env = createGasEnvironment(createState());
const b = loadBundle(code, env.globals, { check: false });
console.log(JSON.stringify((b.context as unknown as { probe: () => unknown }).probe()));
