// Installs the git hooks of .husky/ (npm runs this as `prepare` after `npm install` and `npm ci`).
// It never fails an install: CI and production installs skip it, and without git metadata (a
// tarball, a CI checkout without .git) or git itself husky says why and nothing is installed. In a
// linked worktree `.git` is a file, which husky accepts; `core.hooksPath` is then set in the
// repository's shared config, and each worktree uses its own .husky/_ once installed there.
// HUSKY=0 skips it (husky's own switch); HUSKY=0 on a commit, or --no-verify, skips the hook.
if (process.env.CI || process.env.NODE_ENV === 'production') process.exit(0);

let husky;
try {
  ({ default: husky } = await import('husky'));
} catch {
  console.log('husky is not installed (an install without dev dependencies): no git hooks');
  process.exit(0);
}
const problem = husky();
if (problem) console.log(`husky: ${problem}; no git hooks installed`);
