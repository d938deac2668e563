/**
 * Lineage: places every observed resource under its parent by the strongest correlation key it
 * carries (DESIGN §3), up to the event that started it, whatever the order things arrive in; tells
 * the other modules when a node has settled ({@link io.pipelinelens.sensemaker.lineage.NodesSettled})
 * and answers what belongs to what ({@link io.pipelinelens.sensemaker.lineage.Lineage}).
 */
package io.pipelinelens.sensemaker.lineage;
