#!/usr/bin/env node
// Module boundaries, checked on every build: no deep imports into another project, no lib importing
// an app, and every @nightshift/* import declared in the importing project's package.json (so the Nx
// project graph, and `npm ci`, see the real dependencies). Exits 1 naming each violation.
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const projects = ['libs', 'apps'].flatMap((group) =>
  fs.readdirSync(path.join(root, group)).filter((n) => fs.existsSync(path.join(root, group, n, 'package.json'))).map((n) => ({ group, name: n, dir: path.join(root, group, n) })),
);
const apps = new Set(projects.filter((p) => p.group === 'apps').map((p) => `@nightshift/${p.name}`));
const problems = [];
const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'dist' || e.name === 'node_modules' ? [] : walk(path.join(dir, e.name))) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
for (const project of projects) {
  const pkg = JSON.parse(fs.readFileSync(path.join(project.dir, 'package.json'), 'utf8'));
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  for (const file of walk(path.join(project.dir, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const [, spec] of text.matchAll(/from '(@nightshift\/[^']+)'/g)) {
      const where = path.relative(root, file);
      const base = spec.split('/').slice(0, 2).join('/');
      if (spec !== base) problems.push(`${where}: deep import ${spec}; import ${base} (its src/index.ts) instead`);
      if (project.group === 'libs' && apps.has(base)) problems.push(`${where}: a lib imports the app ${base}`);
      if (base !== `@nightshift/${project.name}` && !declared.has(base)) problems.push(`${where}: imports ${base}, missing from ${project.group}/${project.name}/package.json`);
    }
  }
}
if (problems.length > 0) {
  console.error(`module boundaries:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
