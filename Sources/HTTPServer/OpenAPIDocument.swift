import Hummingbird
import NIOCore

/// The OpenAPI 3 document of the HTTP API: the dashboard's pages and `/api` routes, `/healthz`, `/readyz`,
/// `/metrics` and itself, served verbatim at `GET /openapi.json`. Trino's client protocol (`/v1/…`) is served by the
/// same router but not described: its paths have no fixed number of segments, and the protocol is Trino's.
///
/// The one source of truth for the API's contract: a unit test checks that the router's routes and the document's
/// paths are the same, and the CLI suite runs schemathesis with it against a live `userstream serve` and `run`.
public enum OpenAPIDocument {
    /// Path prefixes of routes the router registers that the document leaves out (Trino's client protocol).
    public static let undescribedPathPrefixes = ["/v1/"]

    /// Adds `GET /openapi.json`.
    static func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: json))
            )
        }
    }

    /// The document, JSON.
    public static let json = #"""
        {
         "openapi": "3.0.3",
         "info": {
          "title": "UserStream HTTP API",
          "version": "1",
          "description": "`userstream run`/`serve`; not Trino's `/v1/*`."
         },
         "paths": {
          "/": {
           "get": {
            "operationId": "dashboardPage",
            "summary": "The dashboard page (HTML).",
            "responses": {
             "200": {
              "description": "The page.",
              "content": {
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             }
            },
            "parameters": [
             {
              "name": "live",
              "in": "query",
              "required": false,
              "schema": {
               "type": "string"
              },
              "description": "`0`: rendered once, without the event stream."
             }
            ]
           }
          },
          "/sql": {
           "get": {
            "operationId": "sqlPage",
            "summary": "The SQL page (HTML).",
            "responses": {
             "200": {
              "description": "The page.",
              "content": {
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             }
            }
           }
          },
          "/assets/dashboard.css": {
           "get": {
            "operationId": "dashboardCSS",
            "summary": "The dashboard's style sheet.",
            "responses": {
             "200": {
              "description": "CSS.",
              "content": {
               "text/css": {
                "schema": {
                 "type": "string"
                }
               }
              }
             }
            }
           }
          },
          "/assets/dashboard.js": {
           "get": {
            "operationId": "dashboardScript",
            "summary": "The dashboard's script.",
            "responses": {
             "200": {
              "description": "JavaScript.",
              "content": {
               "text/javascript": {
                "schema": {
                 "type": "string"
                }
               }
              }
             }
            }
           }
          },
          "/healthz": {
           "get": {
            "operationId": "healthz",
            "summary": "The process answers.",
            "responses": {
             "200": {
              "description": "Always `{\"status\": \"ok\"}`.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Health"
                }
               }
              }
             }
            }
           }
          },
          "/readyz": {
           "get": {
            "operationId": "readyz",
            "summary": "Every readiness check passes.",
            "responses": {
             "200": {
              "description": "Ready: every check is `ok`.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Health"
                }
               }
              }
             },
             "503": {
              "description": "Not ready: `checks` says why, `failed` names the failed checks.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Health"
                }
               }
              }
             }
            }
           }
          },
          "/metrics": {
           "get": {
            "operationId": "metrics",
            "summary": "Prometheus text format (0.0.4).",
            "responses": {
             "200": {
              "description": "The metrics.",
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              }
             }
            }
           }
          },
          "/openapi.json": {
           "get": {
            "operationId": "openapi",
            "summary": "This document.",
            "responses": {
             "200": {
              "description": "The OpenAPI document.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              }
             }
            }
           }
          },
          "/api/summary": {
           "get": {
            "operationId": "summary",
            "summary": "Headline numbers.",
            "responses": {
             "200": {
              "description": "Headline numbers.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Summary"
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            }
           }
          },
          "/api/runs": {
           "get": {
            "operationId": "runs",
            "summary": "Recent runs, newest first.",
            "responses": {
             "200": {
              "description": "Recent runs, newest first.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/Run"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             },
             "400": {
              "$ref": "#/components/responses/BadParameter"
             }
            },
            "parameters": [
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Runs to return.",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 500,
               "default": 20
              }
             }
            ]
           },
           "post": {
            "operationId": "triggerRun",
            "summary": "Trigger a `user_automation` run now.",
            "responses": {
             "202": {
              "description": "The scheduler after `trigger`.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ControlResponse"
                }
               }
              }
             },
             "409": {
              "$ref": "#/components/responses/NoScheduler"
             }
            }
           }
          },
          "/api/lag": {
           "get": {
            "operationId": "lag",
            "summary": "Consumer lag per partition.",
            "responses": {
             "200": {
              "description": "Consumer lag per partition.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Lag"
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            }
           }
          },
          "/api/users/newest": {
           "get": {
            "operationId": "newestUsers",
            "summary": "The newest users.",
            "responses": {
             "200": {
              "description": "The newest users.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/User"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             },
             "400": {
              "$ref": "#/components/responses/BadParameter"
             }
            },
            "parameters": [
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Users to return.",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 200,
               "default": 12
              }
             }
            ]
           }
          },
          "/api/charts/users-per-minute": {
           "get": {
            "operationId": "usersPerMinute",
            "summary": "Users per minute, oldest first.",
            "responses": {
             "200": {
              "description": "Users per minute, oldest first.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/MinutePoint"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             },
             "400": {
              "$ref": "#/components/responses/BadParameter"
             }
            },
            "parameters": [
             {
              "name": "minutes",
              "in": "query",
              "required": false,
              "description": "Minutes back from now.",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 10080,
               "default": 120
              }
             }
            ]
           }
          },
          "/api/charts/gender": {
           "get": {
            "operationId": "genderChart",
            "summary": "Users per gender, largest first.",
            "responses": {
             "200": {
              "description": "Users per gender, largest first.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/Bucket"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            }
           }
          },
          "/api/charts/nationalities": {
           "get": {
            "operationId": "nationalitiesChart",
            "summary": "Top nationalities.",
            "responses": {
             "200": {
              "description": "Top nationalities.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/Bucket"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             },
             "400": {
              "$ref": "#/components/responses/BadParameter"
             }
            },
            "parameters": [
             {
              "name": "limit",
              "in": "query",
              "required": false,
              "description": "Nationalities to return.",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 500,
               "default": 15
              }
             }
            ]
           }
          },
          "/api/charts/ages": {
           "get": {
            "operationId": "agesChart",
            "summary": "Users per age bucket, in age order.",
            "responses": {
             "200": {
              "description": "Users per age bucket, in age order.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/Bucket"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            }
           }
          },
          "/api/charts/registration-years": {
           "get": {
            "operationId": "registrationYearsChart",
            "summary": "Users per registration year.",
            "responses": {
             "200": {
              "description": "Users per registration year.",
              "content": {
               "application/json": {
                "schema": {
                 "type": "array",
                 "items": {
                  "$ref": "#/components/schemas/Bucket"
                 }
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            }
           }
          },
          "/api/events": {
           "get": {
            "operationId": "events",
            "summary": "Server-sent `health` events, one a second.",
            "responses": {
             "200": {
              "description": "The stream: `retry`, then `health` events (data: the snapshot, JSON) or `failure` events (data: an error, JSON).",
              "content": {
               "text/event-stream": {
                "schema": {
                 "type": "object",
                 "properties": {
                  "event": {
                   "type": "string",
                   "enum": [
                    "health",
                    "failure"
                   ]
                  },
                  "data": {
                   "type": "string"
                  },
                  "retry": {
                   "type": "integer"
                  }
                 }
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/BadParameter"
             }
            },
            "parameters": [
             {
              "name": "count",
              "in": "query",
              "required": false,
              "description": "End the stream after this many events (default: never).",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 86400
              }
             }
            ]
           }
          },
          "/api/query": {
           "post": {
            "operationId": "query",
            "summary": "Run one read-only SQL statement.",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/QueryRequest"
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "Columns and rows (values as text, null for NULL).",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/QueryResponse"
                }
               }
              }
             },
             "400": {
              "description": "Codes: bad_request, bad_parameter, read_only_query, invalid_query.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              }
             },
             "413": {
              "description": "The body is larger than 1 MiB (`too_large`).",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            }
           }
          },
          "/api/query.csv": {
           "get": {
            "operationId": "queryCSV",
            "summary": "The same as CSV (`Content-Disposition: attachment`).",
            "responses": {
             "200": {
              "description": "The rows as CSV.",
              "content": {
               "text/csv": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "Codes: bad_request, read_only_query, invalid_query.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/NoData"
             }
            },
            "parameters": [
             {
              "name": "q",
              "in": "query",
              "required": true,
              "schema": {
               "type": "string",
               "minLength": 1
              },
              "description": "One read-only SQLite statement."
             }
            ]
           }
          },
          "/api/schedule/pause": {
           "post": {
            "operationId": "pauseSchedule",
            "summary": "Pause the schedule (manual runs still happen).",
            "responses": {
             "200": {
              "description": "The scheduler after `pause`.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ControlResponse"
                }
               }
              }
             },
             "409": {
              "$ref": "#/components/responses/NoScheduler"
             }
            }
           }
          },
          "/api/schedule/resume": {
           "post": {
            "operationId": "resumeSchedule",
            "summary": "Resume the schedule.",
            "responses": {
             "200": {
              "description": "The scheduler after `resume`.",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ControlResponse"
                }
               }
              }
             },
             "409": {
              "$ref": "#/components/responses/NoScheduler"
             }
            }
           }
          }
         },
         "components": {
          "schemas": {
           "Error": {
            "type": "object",
            "required": [
             "error"
            ],
            "properties": {
             "error": {
              "type": "object",
              "required": [
               "code",
               "message"
              ],
              "properties": {
               "code": {
                "type": "string"
               },
               "message": {
                "type": "string"
               }
              }
             }
            }
           },
           "SchedulerState": {
            "type": "object",
            "required": [
             "available"
            ],
            "properties": {
             "available": {
              "type": "boolean"
             },
             "paused": {
              "type": "boolean",
              "nullable": true
             },
             "running": {
              "type": "boolean",
              "nullable": true
             },
             "lastRunID": {
              "type": "string",
              "nullable": true
             }
            }
           },
           "DeadLetter": {
            "type": "object",
            "required": [
             "partition",
             "offset",
             "time",
             "reason"
            ],
            "properties": {
             "partition": {
              "type": "integer"
             },
             "offset": {
              "type": "integer"
             },
             "time": {
              "type": "string"
             },
             "key": {
              "type": "string",
              "nullable": true
             },
             "reason": {
              "type": "string"
             },
             "stage": {
              "type": "string",
              "nullable": true
             },
             "origin": {
              "type": "string",
              "nullable": true
             },
             "runID": {
              "type": "string",
              "nullable": true
             }
            }
           },
           "Summary": {
            "type": "object",
            "required": [
             "generatedAt",
             "storedUsers",
             "producedTotal",
             "processedTotal",
             "deadLetteredTotal",
             "deadLetterReasons",
             "deadLetterSource",
             "deadLetters",
             "runCount",
             "apiErrors",
             "apiErrorRate",
             "scheduler"
            ],
            "properties": {
             "generatedAt": {
              "type": "string"
             },
             "storedUsers": {
              "type": "integer"
             },
             "producedTotal": {
              "type": "integer"
             },
             "processedTotal": {
              "type": "integer"
             },
             "deadLetteredTotal": {
              "type": "integer"
             },
             "deadLetterReasons": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "deadLetterSource": {
              "type": "string",
              "enum": [
               "users_created.dlq",
               "runs"
              ]
             },
             "deadLetters": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/DeadLetter"
              }
             },
             "runCount": {
              "type": "integer"
             },
             "apiErrors": {
              "type": "object",
              "additionalProperties": {
               "type": "integer"
              }
             },
             "apiErrorRate": {
              "type": "number"
             },
             "totalLag": {
              "type": "integer",
              "nullable": true
             },
             "scheduler": {
              "$ref": "#/components/schemas/SchedulerState"
             }
            }
           },
           "Run": {
            "type": "object",
            "required": [
             "runID",
             "job",
             "trigger",
             "source",
             "state",
             "startedAt",
             "requests",
             "fetched",
             "produced",
             "deadLettered",
             "stored",
             "duplicates",
             "errors",
             "zeroRows"
            ],
            "properties": {
             "runID": {
              "type": "string"
             },
             "job": {
              "type": "string"
             },
             "trigger": {
              "type": "string"
             },
             "source": {
              "type": "string"
             },
             "state": {
              "type": "string"
             },
             "startedAt": {
              "type": "string"
             },
             "endedAt": {
              "type": "string",
              "nullable": true
             },
             "durationSeconds": {
              "type": "number",
              "nullable": true
             },
             "requests": {
              "type": "integer"
             },
             "fetched": {
              "type": "integer"
             },
             "produced": {
              "type": "integer"
             },
             "deadLettered": {
              "type": "integer"
             },
             "stored": {
              "type": "integer"
             },
             "duplicates": {
              "type": "integer"
             },
             "errors": {
              "type": "object",
              "additionalProperties": {
               "type": "integer"
              }
             },
             "message": {
              "type": "string",
              "nullable": true
             },
             "zeroRows": {
              "type": "boolean"
             }
            }
           },
           "PartitionLag": {
            "type": "object",
            "required": [
             "topic",
             "partition"
            ],
            "properties": {
             "group": {
              "type": "string",
              "nullable": true
             },
             "topic": {
              "type": "string"
             },
             "partition": {
              "type": "integer"
             },
             "committed": {
              "type": "integer",
              "nullable": true
             },
             "end": {
              "type": "integer",
              "nullable": true
             },
             "lag": {
              "type": "integer",
              "nullable": true
             }
            }
           },
           "Lag": {
            "type": "object",
            "required": [
             "known",
             "partitions"
            ],
            "properties": {
             "known": {
              "type": "boolean"
             },
             "partitions": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/PartitionLag"
              }
             },
             "total": {
              "type": "integer",
              "nullable": true
             }
            }
           },
           "User": {
            "type": "object",
            "required": [
             "id",
             "firstName",
             "lastName",
             "gender",
             "email",
             "picture",
             "registeredDate",
             "ingestedAt"
            ],
            "properties": {
             "id": {
              "type": "string"
             },
             "firstName": {
              "type": "string"
             },
             "lastName": {
              "type": "string"
             },
             "gender": {
              "type": "string"
             },
             "email": {
              "type": "string"
             },
             "picture": {
              "type": "string"
             },
             "nat": {
              "type": "string",
              "nullable": true
             },
             "country": {
              "type": "string",
              "nullable": true
             },
             "city": {
              "type": "string",
              "nullable": true
             },
             "age": {
              "type": "integer",
              "nullable": true
             },
             "registeredDate": {
              "type": "string"
             },
             "ingestedAt": {
              "type": "string"
             }
            }
           },
           "Bucket": {
            "type": "object",
            "required": [
             "label",
             "count"
            ],
            "properties": {
             "label": {
              "type": "string"
             },
             "count": {
              "type": "integer"
             }
            }
           },
           "MinutePoint": {
            "type": "object",
            "required": [
             "minute",
             "epochMinute",
             "count"
            ],
            "properties": {
             "minute": {
              "type": "string"
             },
             "epochMinute": {
              "type": "integer"
             },
             "count": {
              "type": "integer"
             }
            }
           },
           "QueryRequest": {
            "type": "object",
            "required": [
             "sql"
            ],
            "properties": {
             "sql": {
              "type": "string",
              "minLength": 1,
              "description": "One read-only SQLite statement."
             },
             "limit": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000,
              "default": 1000
             }
            }
           },
           "QueryResponse": {
            "type": "object",
            "required": [
             "columns",
             "rows",
             "truncated",
             "limit"
            ],
            "properties": {
             "columns": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "rows": {
              "type": "array",
              "items": {
               "type": "array",
               "items": {
                "type": "string",
                "nullable": true
               }
              }
             },
             "truncated": {
              "type": "boolean"
             },
             "limit": {
              "type": "integer"
             }
            }
           },
           "ControlResponse": {
            "type": "object",
            "required": [
             "ok",
             "action",
             "scheduler"
            ],
            "properties": {
             "ok": {
              "type": "boolean"
             },
             "action": {
              "type": "string",
              "enum": [
               "trigger",
               "pause",
               "resume"
              ]
             },
             "scheduler": {
              "$ref": "#/components/schemas/SchedulerState"
             }
            }
           },
           "Health": {
            "type": "object",
            "required": [
             "status"
            ],
            "properties": {
             "status": {
              "type": "string",
              "enum": [
               "ok",
               "unavailable"
              ]
             },
             "checks": {
              "type": "object",
              "additionalProperties": {
               "type": "string"
              }
             },
             "failed": {
              "type": "array",
              "items": {
               "type": "string"
              }
             }
            }
           }
          },
          "responses": {
           "NoData": {
            "description": "The store has no data to answer from yet (`no_data`).",
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            }
           },
           "BadParameter": {
            "description": "A parameter is not an integer in its range (`bad_parameter`).",
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            }
           },
           "NoScheduler": {
            "description": "No scheduler runs in this process (`userstream serve`): `no_scheduler`.",
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            }
           }
          }
         }
        }
        """#
}
