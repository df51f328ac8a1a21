package main

import (
	"math"
	"slices"
	"time"
)

// Prices in USD, eu-central-1 (Frankfurt), on-demand, as used for the cost
// per route; the report states them. Not read from AWS at run time.
const (
	// DynamoDB on-demand: per million write and read request units.
	priceWRU = 1.525
	priceRRU = 0.305
	// Lambda on arm64: per GB-second of duration and per million requests.
	priceLambdaGBs      = 0.0000133334
	priceLambdaRequests = 0.20
	// HTTP API: per million requests (the first 300 million a month; $1.11
	// in some regions).
	priceHTTPAPI = 1.00
)

// lambdaMemoryMB is every function's memory size: the CDK app's
// functionMemoryMB (infra/cdk/functions.go, another module; a test keeps
// them equal).
const lambdaMemoryMB = 256

// routeCost is the price of a million requests of one route.
type routeCost struct {
	DynamoDB, Lambda, API float64
}

func (c routeCost) Total() float64 { return c.DynamoDB + c.Lambda + c.API }

// costPerMillion prices a million requests that each consume read and write
// request units and run for d in a function of memory MB (Lambda bills
// duration by the millisecond, rounded up).
func costPerMillion(read, write float64, d time.Duration, memoryMB int) routeCost {
	ms := math.Ceil(float64(d) / float64(time.Millisecond))
	gbSeconds := ms / 1000 * float64(memoryMB) / 1024
	return routeCost{
		DynamoDB: read*priceRRU + write*priceWRU,
		Lambda:   1e6*gbSeconds*priceLambdaGBs + priceLambdaRequests,
		API:      priceHTTPAPI,
	}
}

// jobRunCost prices one run of a scheduled job: its units, one invocation of
// duration d, no API request.
func jobRunCost(read, write float64, d time.Duration, memoryMB int) float64 {
	c := costPerMillion(read, write, d, memoryMB)
	return (c.DynamoDB + c.Lambda) / 1e6
}

// percentile is the p-th percentile (0–100) of samples, nearest rank.
func percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}
