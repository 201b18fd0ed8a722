/** The seed's three DDL examples, as the brief gives them. */
export const SEED_SOURCE = "CREATE TABLE rocketmq_source (\n  `user_id` BIGINT,\n  `item_id` BIGINT,\n  `behavior` STRING,\n  `topic` STRING NOT NULL METADATA VIRTUAL\n) WITH (\n  'connector' = 'rocketmq',\n  'topic' = 'user_behavior',\n  'consumerGroup' = 'behavior_consumer_group',\n  'nameServerAddress' = '127.0.0.1:9876'\n);";

export const SEED_SINK = "CREATE TABLE rocketmq_sink (\n  `user_id` BIGINT,\n  `item_id` BIGINT,\n  `behavior` STRING\n) WITH (\n  'connector' = 'rocketmq',\n  'topic' = 'user_behavior',\n  'produceGroup' = 'behavior_producer_group',\n  'nameServerAddress' = '127.0.0.1:9876'\n);";

export const SEED_SOURCE_WITH_TAG = "CREATE TABLE rocketmq_source (\n  `user_id` BIGINT,\n  `item_id` BIGINT,\n  `behavior` STRING,\n  `topic` STRING NOT NULL METADATA VIRTUAL\n) WITH (\n  'connector' = 'rocketmq',\n  'topic' = 'user_behavior',\n  'consumerGroup' = 'behavior_consumer_group',\n  'nameServerAddress' = '127.0.0.1:9876',\n  'tag' = 'TagA'\n);";
