// Short names for the API's objects, straight from the generated document types.

import type { components } from './schema';

type Schemas = components['schemas'];
export type User = Schemas['User'];
export type WorkspaceUser = Schemas['WorkspaceUser'];
export type Workspace = Schemas['Workspace'];
export type Channel = Schemas['Channel'];
export type Thread = Schemas['Thread'];
export type Comment = Schemas['Comment'];
export type Group = Schemas['Group'];
export type Conversation = Schemas['Conversation'];
export type Message = Schemas['ConversationMessage'];
export type InboxThread = Schemas['InboxThread'];
export type UnreadThread = Schemas['UnreadThread'];
export type UnreadConversation = Schemas['UnreadConversation'];
export type Availability = Schemas['Availability'];
export type StreamEvent = Schemas['Event'];
export type CannotSee = Schemas['CannotSee'];
export type AwayReply = Schemas['AwayReply'];
export type Expectation = Schemas['Expectation'];
export type ExpectationCounts = Schemas['Counts'];
export type DueTime = Schemas['DueTime'];
export type ScheduledPost = Schemas['ScheduledPost'];
export type ThreadStatus = Schemas['ThreadStatus'];
export type Decision = Schemas['Decision'];
export type Meeting = Schemas['Meeting'];
export type MeetingReason = Schemas['MeetingReason'];
export type OutsideHours = Schemas['OutsideHours'];
export type TextFile = Schemas['TextFile'];
export type AnalyticsReport = Schemas['Report'];
export type AnalyticsDay = Schemas['Day'];
export type AnalyticsPerson = Schemas['Person'];
export type MeetingRef = Schemas['MeetingRef'];
