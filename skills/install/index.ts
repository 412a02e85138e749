export { installSkill, removeSkill, verifySkills, type InstallOptions, type InstallPaths, type Installed, type VerifyState } from "./install.ts";
export { readLock, type LockEntry, type Lockfile } from "./lockfile.ts";
export { treeHash } from "./tree-hash.ts";
