/**
 * Topic and tag selection for sinks, with validated RocketMQ names.
 * Explicit allow-list: values first, then types.
 */
export {
  assertTopicSelector,
  contramapSelector,
  DefaultTopicSelector,
  selectDestination,
  SimpleTopicSelector,
  TopicSelectorContravariant,
  TopicSelectorURI,
} from "./topic-selector.ts";
export {
  GROUP_TOPIC_PREFIXES,
  SYSTEM_TOPIC_PREFIXES,
  SYSTEM_TOPICS,
  TAG_MAX_LENGTH,
  TagName,
  tagNameProblem,
  TOPIC_MAX_LENGTH,
  TopicName,
  topicNameProblem,
  validateTag,
  validateTopic,
} from "./names.ts";

export type { Destination, FieldRecord, TopicSelector } from "./topic-selector.ts";
