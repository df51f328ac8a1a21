package adjacency

import "sync"

type Graph struct {
	Graph         map[string][]string
	Name          string
	AverageDegree float64
}

var (
	once   sync.Once
	graphs map[string]*Graph
)

// Graphs returns the adjacency graphs by name, built on first use rather
// than when a program starts.
func Graphs() map[string]*Graph {
	once.Do(func() {
		graphs = make(map[string]*Graph)
		initGraph("qwerty", adjacencyGraphQwerty())
		initGraph("dvorak", adjacencyGraphDvorak())
		initGraph("keypad", adjacencyGraphKeypad())
		initGraph("mac_keypad", adjacencyGraphMacKeypad())
	})
	return graphs
}

func initGraph(name string, data map[string][]string) {
	g := &Graph{
		Name:          name,
		Graph:         data,
		AverageDegree: calculateAvgDegree(data),
	}
	graphs[name] = g
}

func calculateAvgDegree(g map[string][]string) float64 {
	var avg float64
	for _, value := range g {
		for _, chars := range value {
			if chars != "" {
				avg += float64(1)
			}
		}

	}

	return avg / float64(len(g))
}
