#!/usr/bin/env node
// The command is compiled to dist/; this file exists before the build, so that installing
// the workspace can link it without a warning.
import '../dist/bin.js';
