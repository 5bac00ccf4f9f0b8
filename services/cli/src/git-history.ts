import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';

export interface CommittedVersion {
  /** Full commit hash. */
  commit: string;
  /** The file's path at that commit (it may have been renamed since). */
  path: string;
  text: string;
}

function git(repo: string, args: string[]): string {
  return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** The repository's top level, with symlinks resolved so paths compare. */
export function gitTopLevel(dir: string): string {
  return realpathSync(git(dir, ['rev-parse', '--show-toplevel']).trim());
}

/**
 * Every committed version of a file, oldest first, following renames (`git log --follow`).
 * Versions with the same content are listed once (the oldest commit); an untracked file or
 * a repository without commits has none.
 */
export function committedVersions({ repo, file }: { repo: string; file: string }): CommittedVersion[] {
  const top = gitTopLevel(repo);
  const path = relative(top, realpathSync(file)).split(sep).join('/');
  let log: string;
  try {
    log = git(top, ['log', '--follow', '--format=%H', '--name-only', '--', path]);
  } catch {
    return []; // No commits yet.
  }
  const commits: Array<{ commit: string; path: string }> = [];
  let current: string | undefined;
  for (const line of log.split('\n').map((text) => text.trim())) {
    if (/^[0-9a-f]{40}$/.test(line)) current = line;
    else if (line !== '' && current) {
      commits.push({ commit: current, path: line });
      current = undefined;
    }
  }
  const versions: CommittedVersion[] = [];
  const seen = new Set<string>();
  for (const { commit, path: pathThen } of commits.reverse()) {
    let text: string;
    try {
      text = git(top, ['show', `${commit}:${pathThen}`]);
    } catch {
      continue; // The commit deleted the file.
    }
    if (seen.has(text)) continue;
    seen.add(text);
    versions.push({ commit, path: pathThen, text });
  }
  return versions;
}
