// The action's policy source: the governing policy is read by src/io/governing-policy.ts, one way for
// the action and `unitgate check`.
export {
  DEFAULT_POLICY_PATH,
  parsePolicy,
  readGoverningPolicy,
  workspacePolicyText,
  type PolicySource,
} from '../io/governing-policy';
