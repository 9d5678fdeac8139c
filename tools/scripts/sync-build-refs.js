// Regenerates tsconfig.build.json so `npm run build` (tsc -b) covers every workspace project.
const fs = require('node:fs');
const path = require('node:path');
const root = path.resolve(__dirname, '../..');
const refs = [];
for (const group of ['libs', 'apps']) {
  for (const name of fs.readdirSync(path.join(root, group)).sort()) {
    if (fs.existsSync(path.join(root, group, name, 'tsconfig.json'))) refs.push({ path: `./${group}/${name}` });
  }
}
fs.writeFileSync(
  path.join(root, 'tsconfig.build.json'),
  JSON.stringify({ files: [], references: refs }, null, 2) + '\n',
);
