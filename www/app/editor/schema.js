// What the definition editor knows of the Amazon States Language (no DOM): the fields each
// place takes (a state by its Type and query language, the top level, a branch or an
// ItemProcessor, a retrier, a catcher, an ItemReader, a ResultWriter, a ProcessorConfig), a
// line or two on each field in our own words with the developer guide's page to read, the
// States.* error names, the intrinsic functions and the JSONata functions with their
// parameters, the members of $states, and common service integration ARNs.
// The engine is the judge: tests/js/schema.test.mjs checks that every field and value offered
// here validates in the engine (src/asl/parse.rs), and that the engine rejects a field that
// is not offered, so this table cannot drift from it. Loaded with the editor's help, lazily.

const COMMON = ['Type', 'Comment', 'QueryLanguage'];

/** The fields of a state (besides Type, Comment, QueryLanguage), by Type and query language. */
export const STATE_FIELDS = {
  Pass: {
    JSONPath: ['Next', 'End', 'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'Result', 'Assign'],
    JSONata: ['Next', 'End', 'Output', 'Assign'],
  },
  Task: {
    JSONPath: [
      'Resource',
      'Next',
      'End',
      'InputPath',
      'OutputPath',
      'ResultPath',
      'Parameters',
      'ResultSelector',
      'Retry',
      'Catch',
      'TimeoutSeconds',
      'TimeoutSecondsPath',
      'HeartbeatSeconds',
      'HeartbeatSecondsPath',
      'Credentials',
      'Assign',
    ],
    JSONata: ['Resource', 'Next', 'End', 'Arguments', 'Output', 'Retry', 'Catch', 'TimeoutSeconds', 'HeartbeatSeconds', 'Credentials', 'Assign'],
  },
  Choice: { JSONPath: ['Choices', 'Default', 'InputPath', 'OutputPath', 'Assign'], JSONata: ['Choices', 'Default', 'Output', 'Assign'] },
  Wait: {
    JSONPath: ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath', 'Next', 'End', 'InputPath', 'OutputPath', 'Assign'],
    JSONata: ['Seconds', 'Timestamp', 'Next', 'End', 'Output', 'Assign'],
  },
  Succeed: { JSONPath: ['InputPath', 'OutputPath'], JSONata: ['Output'] },
  Fail: { JSONPath: ['Error', 'ErrorPath', 'Cause', 'CausePath'], JSONata: ['Error', 'Cause'] },
  Parallel: {
    JSONPath: ['Branches', 'Next', 'End', 'InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'Retry', 'Catch', 'Assign'],
    JSONata: ['Branches', 'Next', 'End', 'Arguments', 'Output', 'Retry', 'Catch', 'Assign'],
  },
  Map: {
    JSONPath: [
      'ItemProcessor',
      'ItemsPath',
      'ItemSelector',
      'ItemReader',
      'ItemBatcher',
      'ResultWriter',
      'Parameters',
      'MaxConcurrency',
      'MaxConcurrencyPath',
      'ToleratedFailurePercentage',
      'ToleratedFailurePercentagePath',
      'ToleratedFailureCount',
      'ToleratedFailureCountPath',
      'Label',
      'Next',
      'End',
      'InputPath',
      'OutputPath',
      'ResultPath',
      'ResultSelector',
      'Retry',
      'Catch',
      'Assign',
    ],
    JSONata: [
      'ItemProcessor',
      'Items',
      'ItemSelector',
      'ItemReader',
      'ItemBatcher',
      'ResultWriter',
      'MaxConcurrency',
      'ToleratedFailurePercentage',
      'ToleratedFailureCount',
      'Label',
      'Next',
      'End',
      'Output',
      'Retry',
      'Catch',
      'Assign',
    ],
  },
};

export const STATE_TYPES = Object.keys(STATE_FIELDS);

/** The fields of each other place, by the kind of object. */
export const PLACE_FIELDS = {
  top: ['StartAt', 'States', 'Comment', 'QueryLanguage', 'TimeoutSeconds', 'Version'],
  branch: ['StartAt', 'States', 'Comment', 'QueryLanguage'],
  processor: ['StartAt', 'States', 'ProcessorConfig', 'Comment', 'QueryLanguage'],
  retrier: ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'],
  catcherJSONPath: ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment'],
  catcherJSONata: ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'],
  readerJSONPath: ['Resource', 'ReaderConfig', 'Parameters'],
  readerJSONata: ['Resource', 'ReaderConfig', 'Arguments'],
  writerJSONPath: ['Resource', 'WriterConfig', 'Parameters'],
  writerJSONata: ['Resource', 'WriterConfig', 'Arguments'],
  processorConfig: ['Mode', 'ExecutionType'],
};

/** A Map's fields that only a distributed Map (ItemProcessor.ProcessorConfig.Mode DISTRIBUTED) takes. */
export const DISTRIBUTED_ONLY = ['ItemReader', 'ItemBatcher', 'ResultWriter'];

/**
 * The fields a state of this Type takes in this query language ('JSONPath' or 'JSONata'), Type
 * first; a Map's distributed-only ones when `distributed`.
 */
export function stateFields(type, ql, distributed = false) {
  const own = STATE_FIELDS[type]?.[ql];
  if (!own) return COMMON;
  return [...COMMON, ...(type === 'Map' && !distributed ? own.filter((f) => !DISTRIBUTED_ONLY.includes(f)) : own)];
}

/** Values a field takes from a fixed list. */
export const FIELD_VALUES = {
  Type: STATE_TYPES,
  QueryLanguage: ['JSONata', 'JSONPath'],
  Mode: ['INLINE', 'DISTRIBUTED'],
  ExecutionType: ['STANDARD', 'EXPRESS'],
  JitterStrategy: ['FULL', 'NONE'],
};

/** The errors Step Functions names (ErrorEquals, a Fail state's Error). */
export const ERROR_NAMES = [
  'States.ALL',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
];

/**
 * Service integrations: [ARN, what it does, what the Task's result is]. The ARN's parts (the
 * service, the action, the integration pattern) are read by describeResource.
 */
export const RESOURCES = [
  [
    'arn:aws:states:::lambda:invoke',
    'Invoke a Lambda function (Payload in, response with Payload out)',
    'the Invoke response: the function’s return value as Payload, with StatusCode and ExecutedVersion',
  ],
  ['arn:aws:states:::lambda:invoke.waitForTaskToken', 'Invoke a Lambda function and wait for a task token', 'the output a worker sends with SendTaskSuccess and the token'],
  ['arn:aws:states:::dynamodb:getItem', 'Read an item of a DynamoDB table', 'the GetItem response: Item, its attributes in DynamoDB JSON ({"S": "..."})'],
  ['arn:aws:states:::dynamodb:putItem', 'Write an item of a DynamoDB table', 'the PutItem response (Attributes only with ReturnValues)'],
  ['arn:aws:states:::dynamodb:updateItem', 'Update an item of a DynamoDB table', 'the UpdateItem response (Attributes with ReturnValues)'],
  ['arn:aws:states:::dynamodb:deleteItem', 'Delete an item of a DynamoDB table', 'the DeleteItem response (Attributes with ReturnValues)'],
  ['arn:aws:states:::sns:publish', 'Publish a message to an SNS topic', 'the Publish response: MessageId'],
  ['arn:aws:states:::sqs:sendMessage', 'Send a message to an SQS queue', 'the SendMessage response: MessageId, MD5OfMessageBody'],
  ['arn:aws:states:::sqs:sendMessage.waitForTaskToken', 'Send a message to an SQS queue and wait for a task token', 'the output a worker sends with SendTaskSuccess and the token'],
  ['arn:aws:states:::events:putEvents', 'Send events to EventBridge', 'the PutEvents response: Entries (an EventId each) and FailedEntryCount'],
  ['arn:aws:states:::states:startExecution', 'Start another state machine', 'the StartExecution response: ExecutionArn and StartDate (it does not wait)'],
  [
    'arn:aws:states:::states:startExecution.sync:2',
    'Start another state machine and wait for it (output as JSON)',
    'the DescribeExecution response of the finished execution, its Output as JSON',
  ],
  ['arn:aws:states:::ecs:runTask.sync', 'Run an ECS task and wait for it', 'the description of the stopped ECS task'],
  ['arn:aws:states:::glue:startJobRun.sync', 'Run a Glue job and wait for it', 'the finished job run (GetJobRun)'],
  ['arn:aws:states:::batch:submitJob.sync', 'Submit a Batch job and wait for it', 'the finished job’s description (DescribeJobs)'],
  ['arn:aws:states:::http:invoke', 'Call an HTTPS API', 'the HTTP response: StatusCode, StatusText, Headers, ResponseBody'],
  ['arn:aws:states:::bedrock:invokeModel', 'Invoke a Bedrock model', 'the InvokeModel response: Body (the model’s answer) and ContentType'],
  [
    'arn:aws:states:::aws-sdk:s3:getObject',
    'Any AWS SDK action: arn:aws:states:::aws-sdk:SERVICE:ACTION (here S3 GetObject)',
    'the SDK action’s response, its field names in PascalCase',
  ],
  ['arn:aws:states:::s3:getObject', 'Read an S3 object (a distributed Map reader too)', 'in an ItemReader: the items read from the object'],
  ['arn:aws:states:::s3:putObject', 'Write an S3 object', 'the PutObject response: ETag'],
  ['arn:aws:states:::s3:listObjectsV2', 'List S3 objects (a distributed Map reader too)', 'in an ItemReader: the objects listed, one item each'],
];

/** The integration patterns, by the ARN's suffix: [name, what the Task does, what its result is]. */
export const PATTERNS = {
  '': ['Request Response', 'calls the API and goes on as soon as it answers', 'the API’s response'],
  sync: ['Run a Job (.sync)', 'starts the job and waits for it to finish', 'the finished job’s description'],
  'sync:2': ['Run a Job (.sync:2)', 'starts the job and waits for it to finish', 'the finished job’s description, a nested execution’s Output as JSON'],
  waitForTaskToken: [
    'Wait for a Callback (.waitForTaskToken)',
    'calls the API with a task token ($states.context.Task.Token, $$.Task.Token) and pauses until SendTaskSuccess or SendTaskFailure comes with it',
    'the output sent with SendTaskSuccess',
  ],
};

/** The services of the optimized integrations (arn:aws:states:::SERVICE:ACTION), by the ARN's name. */
export const SERVICES = {
  lambda: 'AWS Lambda',
  dynamodb: 'Amazon DynamoDB',
  sns: 'Amazon SNS',
  sqs: 'Amazon SQS',
  events: 'Amazon EventBridge',
  states: 'AWS Step Functions',
  ecs: 'Amazon ECS',
  glue: 'AWS Glue',
  batch: 'AWS Batch',
  http: 'HTTPS endpoints (HTTP Task)',
  bedrock: 'Amazon Bedrock',
  s3: 'Amazon S3',
  athena: 'Amazon Athena',
  codebuild: 'AWS CodeBuild',
  eks: 'Amazon EKS',
  emr: 'Amazon EMR',
  sagemaker: 'Amazon SageMaker AI',
  apigateway: 'Amazon API Gateway',
};

/**
 * What a Resource ARN is: {title, text} (the integration, its pattern, the Task's result), or
 * null for text that is no Resource ARN. Lambda function and activity ARNs too.
 */
export function describeResource(arn) {
  const parts = arn.split(':');
  if (parts[0] !== 'arn' || parts.length < 6) return null;
  const [, , service, region, account, ...rest] = parts;
  if (service === 'lambda' && rest[0] === 'function')
    return {
      title: 'A Lambda function (the legacy form)',
      text: `Invokes ${rest[1] || 'the function'} with the state’s input as its event. Result: the function’s return value itself (no Payload around it).`,
    };
  if (service === 'states' && rest[0] === 'activity')
    return {
      title: 'An activity',
      text: `A worker polls for this task with GetActivityTask (activity ${rest[1] || ''}) and answers with SendTaskSuccess or SendTaskFailure. Result: the output it sends.`,
    };
  if (service !== 'states' || region || account || rest.length < 2) return null;
  const svc = rest[0];
  let action = rest.slice(1).join(':');
  let pattern = '';
  for (const p of ['waitForTaskToken', 'sync:2', 'sync']) {
    if (action.endsWith(`.${p}`)) {
      pattern = p;
      action = action.slice(0, -p.length - 1);
      break;
    }
  }
  const known = RESOURCES.find(([a]) => a === arn);
  const [name, does, gives] = PATTERNS[pattern];
  let title = `${SERVICES[svc] || svc}: ${action} · ${name}`;
  let what = known ? known[1] : `Calls ${SERVICES[svc] || svc} ${action}`;
  let result = known ? known[2] : gives;
  let unknown = !SERVICES[svc];
  if (svc === 'aws-sdk') {
    const [api, ...op] = action.split(':');
    title = `AWS SDK integration: ${api} ${op.join(':')} · ${name}`;
    what = known ? known[1] : `Calls the ${api} API action ${op.join(':')} through the AWS SDK integration`;
    if (!known && !pattern) result = 'the action’s response, its field names in PascalCase';
    unknown = false;
  }
  return {
    title,
    text: `${what}. The Task ${does}. Result: ${result}.${unknown ? ' (No optimized integration of Step Functions has this name: any other AWS API is called as aws-sdk:SERVICE:ACTION.)' : ''}`,
  };
}

const G = {
  structure: 'State machine structure in Amazon States Language',
  states: 'Discovering workflow states to use in Step Functions',
  io: 'Processing input and output in Step Functions',
  jsonata: 'Transforming data with JSONata in Step Functions',
  vars: 'Passing data between states with variables',
  errors: 'Handling errors in Step Functions workflows',
  task: 'Task workflow state',
  choice: 'Choice workflow state',
  wait: 'Wait workflow state',
  fail: 'Fail workflow state',
  parallel: 'Parallel workflow state',
  map: 'Map workflow state',
  distributed: 'Using Map state in Distributed mode',
  integrations: 'Integrating services with Step Functions',
};

/** A line or two on each field, and the guide's page: {field: [text, page]}. */
export const FIELD_DOCS = {
  Type: ['Which kind of state this is: Task, Pass, Choice, Wait, Succeed, Fail, Parallel or Map.', G.states],
  Comment: ['A note for people reading the definition; Step Functions ignores it.', G.structure],
  QueryLanguage: ['JSONPath (the default) or JSONata: how this state (or the whole machine) writes its expressions and shapes its data.', G.jsonata],
  StartAt: ['The name of the state the machine (or branch) begins with. It must be one of its States.', G.structure],
  States: ['The states of this machine or branch, keyed by their names (unique across the whole machine).', G.structure],
  TimeoutSeconds: ['How long the execution (at the top level) or the Task may run before it fails with States.Timeout.', G.task],
  Version: ['The version of the States Language the definition is written in, "1.0".', G.structure],
  Next: ['The state to go to when this one is done.', G.structure],
  End: ['true: this state ends its machine or branch when it is done.', G.structure],
  Resource: ['What the Task calls: a service integration ARN (arn:aws:states:::service:action), a Lambda function or an activity.', G.task],
  InputPath: ['JSONPath: the part of the state input the state works on ($ by default, null for {}).', G.io],
  OutputPath: ['JSONPath: the part of the state output passed on ($ by default).', G.io],
  ResultPath: ['JSONPath: where in the input the result is put ($ replaces the input, null discards the result).', G.io],
  Parameters: ['JSONPath: the input the state builds for its work (in a Map, the older name of ItemSelector); keys ending in .$ take a path or an intrinsic function.', G.io],
  Arguments: ['JSONata: the input the state builds for its work (the Task call or the branches); {% %} strings are expressions.', G.jsonata],
  Output: ['JSONata: the state output, built from $states.input and $states.result.', G.jsonata],
  Assign: ['Workflow variables to set when the state is done, readable by later states as $name.', G.vars],
  Result: ['A fixed value the Pass state outputs as its result.', 'Pass workflow state'],
  ResultSelector: ['JSONPath: a payload built from the raw result before ResultPath puts it in place.', G.io],
  Retry: ['Retriers: which errors to try again, how often and with what back-off.', G.errors],
  Catch: ['Catchers: when retries are exhausted, which errors go to which state instead of failing.', G.errors],
  TimeoutSecondsPath: ['JSONPath: the Task timeout in seconds, read from the input.', G.task],
  HeartbeatSeconds: ['How long a Task may go without a heartbeat before it fails with States.HeartbeatTimeout; less than TimeoutSeconds.', G.task],
  HeartbeatSecondsPath: ['JSONPath: the heartbeat interval in seconds, read from the input.', G.task],
  Credentials: ['A role the Task assumes to call its resource (cross-account access).', G.task],
  Choices: ['Choice rules, tried in order; the first that matches names the Next state.', G.choice],
  Default: ['The state to go to when no Choice rule matches (else the execution fails with States.NoChoiceMatched).', G.choice],
  Seconds: ['How many seconds to wait.', G.wait],
  Timestamp: ['The time to wait until (ISO 8601, e.g. 2026-01-01T00:00:00Z).', G.wait],
  SecondsPath: ['JSONPath: the number of seconds to wait, read from the input.', G.wait],
  TimestampPath: ['JSONPath: the time to wait until, read from the input.', G.wait],
  Error: ['The error name the Fail state fails with.', G.fail],
  ErrorPath: ['JSONPath: the error name, read from the input.', G.fail],
  Cause: ['A readable explanation of the failure.', G.fail],
  CausePath: ['JSONPath: the cause, read from the input.', G.fail],
  Branches: ['The branches the Parallel state runs at once, each a machine of its own (StartAt and States); the output is the array of their outputs.', G.parallel],
  ItemProcessor: ['The machine each item goes through (StartAt, States) and how it runs (ProcessorConfig).', G.map],
  ProcessorConfig: ['Mode INLINE (items processed in this execution) or DISTRIBUTED (child executions, with ExecutionType).', G.distributed],
  Mode: ['INLINE or DISTRIBUTED.', G.distributed],
  ExecutionType: ['For a distributed Map: STANDARD or EXPRESS child executions.', G.distributed],
  ItemsPath: ['JSONPath: where the array of items is in the input ($ by default).', G.map],
  Items: ['JSONata: the array of items (an array or an expression).', G.map],
  ItemSelector: ['Each item as the processor receives it, built from the item and its index.', G.map],
  ItemReader: ['For a distributed Map: read the items from S3 (a JSON, JSONL or CSV object, a listing, an inventory).', G.distributed],
  ItemBatcher: ['For a distributed Map: hand the processor batches of items instead of one at a time.', G.distributed],
  ResultWriter: ['For a distributed Map: write the results to S3 instead of returning them.', G.distributed],
  ReaderConfig: ['How the ItemReader reads: InputType (CSV, JSON, JSONL, MANIFEST), CSVHeaderLocation, MaxItems.', G.distributed],
  WriterConfig: ['How the ResultWriter formats the results: Transformation and OutputType.', G.distributed],
  MaxConcurrency: ['How many items are processed at once (0: as many as possible).', G.map],
  MaxConcurrencyPath: ['JSONPath: the concurrency limit, read from the input.', G.map],
  ToleratedFailurePercentage: ['The share of items (0 to 100) that may fail before the Map fails.', G.distributed],
  ToleratedFailurePercentagePath: ['JSONPath: the tolerated failure percentage, read from the input.', G.distributed],
  ToleratedFailureCount: ['How many items may fail before the Map fails.', G.distributed],
  ToleratedFailureCountPath: ['JSONPath: the tolerated failure count, read from the input.', G.distributed],
  Label: ['A distributed Map label, used in the names of its child executions.', G.distributed],
  ErrorEquals: ['The error names this retrier or catcher handles; States.ALL (alone, last) handles any.', G.errors],
  IntervalSeconds: ['Seconds before the first retry (1 by default).', G.errors],
  MaxAttempts: ['How many retries at most (3 by default; 0: never).', G.errors],
  BackoffRate: ['What the interval is multiplied by at each retry (2.0 by default).', G.errors],
  MaxDelaySeconds: ['The longest interval between retries, however the back-off grows.', G.errors],
  JitterStrategy: ['FULL: each interval a random time up to the computed one; NONE (the default): exactly it.', G.errors],
};

/** The intrinsic functions of JSONPath (in a key ending in .$): [name, parameters, what it gives]. */
export const INTRINSICS = [
  ['States.Format', "'template {}', value...", 'a string with each {} replaced by the next value'],
  ['States.StringToJson', 'string', 'the JSON value the string holds'],
  ['States.JsonToString', 'path', 'the value as JSON text'],
  ['States.Array', 'value...', 'an array of the values'],
  ['States.ArrayPartition', 'array, size', 'the array in chunks of size'],
  ['States.ArrayContains', 'array, value', 'whether the array holds the value'],
  ['States.ArrayRange', 'start, end, step', 'the numbers from start to end by step'],
  ['States.ArrayGetItem', 'array, index', 'the item at index'],
  ['States.ArrayLength', 'array', 'the number of items'],
  ['States.ArrayUnique', 'array', 'the array without duplicates'],
  ['States.Base64Encode', 'string', 'the string in base64'],
  ['States.Base64Decode', 'string', 'the base64 string decoded'],
  ['States.Hash', "value, 'SHA-256'", 'the hash (MD5, SHA-1, SHA-256, SHA-384, SHA-512) as hex'],
  ['States.JsonMerge', 'object, object, false', 'the two objects merged (shallow)'],
  ['States.MathRandom', 'start, end[, seed]', 'a random integer from start (included) to end (excluded)'],
  ['States.MathAdd', 'number, number', 'the sum'],
  ['States.StringSplit', 'string, separators', 'the parts of the string'],
  ['States.UUID', '', 'a random version 4 UUID'],
];

/** JSONata functions (in {% %}): [name, parameters]. */
export const JSONATA_FUNCTIONS = [
  ['sum', 'array'],
  ['count', 'array'],
  ['max', 'array'],
  ['min', 'array'],
  ['average', 'array'],
  ['string', 'value[, prettify]'],
  ['substring', 'str, start[, length]'],
  ['substringBefore', 'str, chars'],
  ['substringAfter', 'str, chars'],
  ['lowercase', 'str'],
  ['uppercase', 'str'],
  ['length', 'str'],
  ['trim', 'str'],
  ['pad', 'str, width[, char]'],
  ['match', 'str, pattern[, limit]'],
  ['contains', 'str, pattern'],
  ['replace', 'str, pattern, replacement[, limit]'],
  ['split', 'str, separator[, limit]'],
  ['join', 'array[, separator]'],
  ['formatNumber', 'number, picture[, options]'],
  ['formatBase', 'number[, radix]'],
  ['formatInteger', 'number, picture'],
  ['parseInteger', 'string, picture'],
  ['number', 'arg'],
  ['floor', 'number'],
  ['ceil', 'number'],
  ['round', 'number[, precision]'],
  ['abs', 'number'],
  ['sqrt', 'number'],
  ['power', 'base, exponent'],
  ['random', '[seed] (Step Functions: an optional seed)'],
  ['boolean', 'arg'],
  ['not', 'arg'],
  ['map', 'array, function'],
  ['zip', 'array1, ...'],
  ['filter', 'array, function'],
  ['single', 'array[, function]'],
  ['reduce', 'array, function[, init]'],
  ['sift', 'object, function'],
  ['keys', 'object'],
  ['lookup', 'object, key'],
  ['append', 'array1, array2'],
  ['exists', 'arg'],
  ['spread', 'object'],
  ['merge', 'array<object>'],
  ['reverse', 'array'],
  ['each', 'object, function'],
  ['error', '[message]'],
  ['assert', 'condition[, message]'],
  ['type', 'value'],
  ['sort', 'array[, function]'],
  ['shuffle', 'array'],
  ['distinct', 'array'],
  ['base64encode', 'str'],
  ['base64decode', 'str'],
  ['encodeUrlComponent', 'str'],
  ['encodeUrl', 'str'],
  ['decodeUrlComponent', 'str'],
  ['decodeUrl', 'str'],
  ['eval', 'expr[, context]'],
  ['toMillis', 'timestamp[, picture]'],
  ['fromMillis', 'number[, picture[, timezone]]'],
  ['now', '[picture[, timezone]]'],
  ['millis', ''],
  ['partition', 'array, size (Step Functions)'],
  ['range', 'start, end, step (Step Functions)'],
  ['hash', "value, 'SHA-256' (Step Functions)"],
  ['uuid', '(Step Functions)'],
  ['parse', 'json string (Step Functions)'],
];

/**
 * The members of $states (JSONata): [name, what it holds, where it can be read], after the
 * developer guide's page on JSONata (the reserved variable $states).
 */
export const STATES_MEMBERS = [
  ['input', 'the state’s input, as it entered the state', 'every field of a JSONata state that takes an expression'],
  ['result', 'the result of the Task, Parallel or Map (the API’s or the branches’ or iterations’ result), when it succeeded', 'Output and Assign of a Task, Parallel or Map state'],
  ['errorOutput', 'the error caught: {Error, Cause}', 'Output and Assign of a Catch'],
  ['context', 'the context object: Execution, State, StateMachine, Task, Map', 'every field of a JSONata state that takes an expression'],
];

/** The members of $states.context (the context object) and what they hold. */
export const CONTEXT_MEMBERS = [
  ['Execution.Id', 'the execution’s ARN'],
  ['Execution.Input', 'the execution’s input'],
  ['Execution.Name', 'the execution’s name'],
  ['Execution.RoleArn', 'the role the execution runs as'],
  ['Execution.StartTime', 'when the execution started (ISO 8601)'],
  ['Execution.RedriveCount', 'how many times the execution was redriven'],
  ['Execution.RedriveTime', 'when the execution was last redriven'],
  ['State.Name', 'the state’s name'],
  ['State.EnteredTime', 'when the state was entered (ISO 8601)'],
  ['State.RetryCount', 'the retries of this state so far'],
  ['StateMachine.Id', 'the state machine’s ARN'],
  ['StateMachine.Name', 'the state machine’s name'],
  ['Task.Token', 'the task token of a .waitForTaskToken Task'],
  ['Map.Item.Index', 'in a Map’s ItemSelector: the item’s index'],
  ['Map.Item.Value', 'in a Map’s ItemSelector: the item'],
  ['Map.Item.Key', 'in a Map’s ItemSelector over an object: the member’s key'],
];

/** The hover of a $states path (`$states.input`, `$states.context.Execution.Id`...): {title, text} or null. */
export function describeStates(path) {
  const [, member, ...rest] = path.split('.');
  const m = STATES_MEMBERS.find(([n]) => n === member);
  if (!m) return null;
  if (member === 'context' && rest.length) {
    for (let n = rest.length; n > 0; n--) {
      const sub = rest.slice(0, n).join('.');
      const c = CONTEXT_MEMBERS.find(([k]) => k === sub);
      if (c) return { title: `$states.context.${sub}`, text: `${c[1][0].toUpperCase()}${c[1].slice(1)}. Readable in ${m[2]}.` };
    }
  }
  return { title: `$states.${member}`, text: `${m[1][0].toUpperCase()}${m[1].slice(1)}. Readable in ${m[2]}.` };
}

// What completing a field writes as its value (JSON text): a value the engine accepts there
// (tests/js/schema.test.mjs), or an empty string to fill in ("" for a state name, a Resource),
// with the completion of its values opened at once.
const TEMPLATES = {
  Type: '""',
  QueryLanguage: '""',
  Comment: '""',
  StartAt: '""',
  States: '{}',
  Next: '""',
  Default: '""',
  End: 'true',
  Resource: '""',
  Version: '"1.0"',
  TimeoutSeconds: '60',
  HeartbeatSeconds: '10',
  TimeoutSecondsPath: '"$.timeoutSeconds"',
  HeartbeatSecondsPath: '"$.heartbeatSeconds"',
  InputPath: '"$"',
  OutputPath: '"$"',
  ResultPath: '"$.result"',
  Parameters: '{}',
  Arguments: '{}',
  Output: '"{% $states.input %}"',
  Assign: '{}',
  Result: '{}',
  ResultSelector: '{}',
  Retry: '[{ "ErrorEquals": ["States.ALL"], "MaxAttempts": 3 }]',
  Catch: '[]',
  Credentials: '{ "RoleArn": "arn:aws:iam::123456789012:role/StepFunctionsRole" }',
  Choices: '[]',
  Seconds: '1',
  Timestamp: '"2026-01-01T00:00:00Z"',
  SecondsPath: '"$.seconds"',
  TimestampPath: '"$.timestamp"',
  Error: '"Error"',
  ErrorPath: '"$.error"',
  Cause: '""',
  CausePath: '"$.cause"',
  Branches: '[]',
  ItemProcessor: '{ "StartAt": "", "States": {} }',
  ProcessorConfig: '{ "Mode": "INLINE" }',
  Mode: '""',
  ExecutionType: '""',
  ItemsPath: '"$"',
  Items: '"{% $states.input %}"',
  ItemSelector: '{}',
  ItemReader: '{}',
  ItemBatcher: '{ "MaxItemsPerBatch": 10 }',
  ResultWriter: '{}',
  ReaderConfig: '{ "InputType": "JSON" }',
  WriterConfig: '{ "OutputType": "JSON", "Transformation": "NONE" }',
  MaxConcurrency: '0',
  MaxConcurrencyPath: '"$.maxConcurrency"',
  ToleratedFailurePercentage: '0',
  ToleratedFailurePercentagePath: '"$.toleratedFailurePercentage"',
  ToleratedFailureCount: '0',
  ToleratedFailureCountPath: '"$.toleratedFailureCount"',
  Label: '"Items"',
  ErrorEquals: '["States.ALL"]',
  IntervalSeconds: '1',
  MaxAttempts: '3',
  BackoffRate: '2.0',
  MaxDelaySeconds: '60',
  JitterStrategy: '""',
};
const JSONATA_TEMPLATES = { Parameters: '{}', Arguments: '"{% $states.input %}"', Assign: '{}' };
/** Values completed from a list (the completion opens on them). */
const LISTED = new Set(['Type', 'QueryLanguage', 'StartAt', 'Next', 'Default', 'Resource', 'Mode', 'ExecutionType', 'JitterStrategy']);

/** The value completing `field` writes: {text, cursor (in text), complete (open the completion of its values)}. */
export function valueTemplate(field, ql) {
  const text = (ql === 'JSONata' && JSONATA_TEMPLATES[field]) || TEMPLATES[field] || '""';
  const empty = text === '""';
  return { text, cursor: empty ? 1 : text.length, complete: LISTED.has(field) };
}

/** The fields whose template is a placeholder to fill in ("" or {} that needs members). */
export const TO_FILL = new Set([
  'Type',
  'QueryLanguage',
  'StartAt',
  'Next',
  'Default',
  'Resource',
  'Mode',
  'ExecutionType',
  'JitterStrategy',
  'States',
  'ItemProcessor',
  'Branches',
  'Choices',
  'ItemReader',
  'ResultWriter',
  'Comment',
  'Cause',
]);
