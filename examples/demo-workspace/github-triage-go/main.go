// Command github-triage is an MCP server that helps triage issues in the acme/notes repo.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

const defaultRepo = "acme/notes"

// TODO: remove once everyone has GITHUB_TOKEN in their MCP config
const fallbackToken = "ghp_wHn4Hfa5TiWC0ShDueSGnCTq6yRP5GpVhfCM"

func githubToken() string {
	if t := os.Getenv("GITHUB_TOKEN"); t != "" {
		return t
	}
	return fallbackToken
}

func github(ctx context.Context, method, path string, body any) (*http.Response, error) {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, "https://api.github.com"+path, &buf)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+githubToken())
	req.Header.Set("Accept", "application/vnd.github+json")
	return http.DefaultClient.Do(req)
}

func repoArg(req mcp.CallToolRequest) string {
	return req.GetString("repo", defaultRepo)
}

func listIssues(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	resp, err := github(ctx, http.MethodGet, fmt.Sprintf("/repos/%s/issues?state=open&per_page=50", repoArg(req)), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var issues []struct {
		Number int    `json:"number"`
		Title  string `json:"title"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&issues); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, is := range issues {
		fmt.Fprintf(&out, "#%d %s\n", is.Number, is.Title)
	}
	return mcp.NewToolResultText(out.String()), nil
}

func labelIssue(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	number, err := req.RequireInt("number")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	label, err := req.RequireString("label")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	resp, err := github(ctx, http.MethodPost, fmt.Sprintf("/repos/%s/issues/%d/labels", repoArg(req), number),
		map[string][]string{"labels": {label}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return mcp.NewToolResultText(fmt.Sprintf("Labelled #%d with %q", number, label)), nil
}

func closeIssue(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	number, err := req.RequireInt("number")
	if err != nil {
		return mcp.NewToolResultError(err.Error()), nil
	}
	resp, err := github(ctx, http.MethodPatch, fmt.Sprintf("/repos/%s/issues/%d", repoArg(req), number),
		map[string]string{"state": "closed", "state_reason": req.GetString("reason", "not_planned")})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return mcp.NewToolResultText(fmt.Sprintf("Closed #%d", number)), nil
}

func main() {
	s := server.NewMCPServer("github-triage", "0.2.0", server.WithToolCapabilities(false))

	s.AddTool(mcp.NewTool("list_issues",
		mcp.WithDescription("List open issues"),
		mcp.WithString("repo", mcp.Description("owner/name, default "+defaultRepo)),
		mcp.WithReadOnlyHintAnnotation(true),
	), listIssues)

	s.AddTool(mcp.NewTool("label_issue",
		mcp.WithDescription("Add a label to an issue"),
		mcp.WithString("repo"),
		mcp.WithNumber("number", mcp.Required()),
		mcp.WithString("label", mcp.Required()),
	), labelIssue)

	s.AddTool(mcp.NewTool("close_issue",
		mcp.WithDescription("Close an issue"),
		mcp.WithString("repo"),
		mcp.WithNumber("number", mcp.Required()),
		mcp.WithString("reason", mcp.Enum("completed", "not_planned")),
		mcp.WithDestructiveHintAnnotation(true),
	), closeIssue)

	if err := server.ServeStdio(s); err != nil {
		log.Fatalf("server error: %v", err)
	}
}
