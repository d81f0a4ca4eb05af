// node validate.cjs FILE...  -> one line per file ("valid: F" or "INVALID: F: errors"); exit 0 iff all are valid
const aslValidator = require('asl-validator');
const fs = require('fs');
let bad = 0;
for (const f of process.argv.slice(2)) {
  const def = JSON.parse(fs.readFileSync(f, 'utf8'));
  const { isValid, errorsText } = aslValidator(def, { checkPaths: true, checkArn: true });
  console.log(isValid ? `valid: ${f}` : `INVALID: ${f}: ${errorsText(' | ')}`);
  if (!isValid) bad++;
}
process.exit(bad ? 1 : 0);
