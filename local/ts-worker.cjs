// Worker-thread bootstrap: lets a worker run a TypeScript entry (workerData.__entry) through tsx.
const { workerData } = require('node:worker_threads');
require('tsx/cjs/api').register();
require(workerData.__entry);
