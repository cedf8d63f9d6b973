#!/usr/bin/env node
// The `tailor` command. Sources are TypeScript run through tsx (esbuild), so there is no build step to forget.
'use strict';
require('tsx/cjs');
require('../cli/main.ts');
